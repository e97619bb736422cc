package dev.keyless.protocol.sudo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keyless.protocol.PolicyRequests.SudoRule;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Renders sudoers files and checks them with the real {@code visudo -cf}, the oracle the agent uses. */
class SudoersRendererTest {
    private static final String HEADER =
            "# keyless session s-1: sudo rules for wl_deploy, removed when the session ends\n";

    private static String visudo;

    @TempDir
    Path dir;

    @BeforeAll
    static void needsVisudo() {
        visudo = Stream.of("/usr/sbin/visudo", "/usr/bin/visudo")
                .filter(p -> Files.isExecutable(Path.of(p)))
                .findFirst()
                .orElse(null);
        Assumptions.assumeTrue(visudo != null, "visudo is not installed (apt-get install sudo)");
    }

    static Stream<Arguments> validRulesPassVisudo() {
        return Stream.of(
                Arguments.of(
                        "fixed arguments", rule("/usr/bin/systemctl restart app"), "/usr/bin/systemctl restart app"),
                Arguments.of("no arguments means none", rule("/usr/bin/id"), "/usr/bin/id \"\""),
                Arguments.of(
                        "escaped , : =",
                        rule("/usr/local/bin/deploy --to=web:22,web2"),
                        "/usr/local/bin/deploy --to\\=web\\:22\\,web2"),
                Arguments.of("@ % + are plain", rule("/opt/app/bin/c++ @file %s +x"), "/opt/app/bin/c++ @file %s +x"),
                Arguments.of(
                        "any arguments with wildcards",
                        new SudoRule("/usr/bin/journalctl *", true, null),
                        "/usr/bin/journalctl *"),
                Arguments.of(
                        "bracket and ? wildcards",
                        new SudoRule("/usr/bin/cat /var/log/app/[a-z]?.log", true, null),
                        "/usr/bin/cat /var/log/app/[a-z]?.log"),
                Arguments.of("unrestricted", new SudoRule("ALL", null, true), "ALL"),
                Arguments.of("word ALL as argument", rule("/usr/bin/foo ALL"), "/usr/bin/foo ALL"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource
    void validRulesPassVisudo(String name, SudoRule rule, String spec) throws Exception {
        String rendered = SudoersRenderer.render("s-1", "deploy", List.of(SudoRuleGrammar.parse(0, rule)));
        assertThat(rendered).isEqualTo(HEADER + "wl_deploy ALL=(root) NOPASSWD: " + spec + "\n");
        assertPasses(rendered);
    }

    @Test
    void rendersOneLinePerRuleAndPassesVisudo() throws Exception {
        List<SudoCommand> commands = SudoRuleGrammar.parseAll(List.of(
                rule("/usr/bin/systemctl restart app"), rule("/usr/bin/journalctl -u app"), rule("/usr/bin/id")));
        String rendered = SudoersRenderer.render("0f4e-9a", "deploy", commands);
        assertThat(rendered.lines())
                .hasSize(4)
                .element(2)
                .isEqualTo("wl_deploy ALL=(root) NOPASSWD: /usr/bin/journalctl -u app");
        assertPasses(rendered);
    }

    @Test
    void emptyRuleListGrantsNothingAndPassesVisudo() throws Exception {
        String rendered = SudoersRenderer.render("s-1", "deploy", List.of());
        assertThat(rendered).isEqualTo(HEADER);
        assertPasses(rendered);
    }

    @Test
    void oracleRejectsWhatTheRendererMustEscape() throws Exception {
        // Proves visudo is a real check here: the same line without the escaping fails.
        assertThat(visudo("wl_deploy ALL=(root) NOPASSWD: /usr/local/bin/deploy --to=web:22,web2\n"))
                .satisfies(v -> assertThat(v.exit()).isNotZero());
    }

    @ParameterizedTest(name = "session id {0}")
    @org.junit.jupiter.params.provider.ValueSource(strings = {"", "a b", "s\n#includedir /tmp", "../x", "s;1"})
    void rejectsHostileSessionIds(String sessionId) {
        assertThatThrownBy(() -> SudoersRenderer.render(sessionId, "deploy", List.of()))
                .hasMessage("session id must match [A-Za-z0-9-]{1,64}");
    }

    @Test
    void rejectsHostileRole() {
        assertThatThrownBy(() -> SudoersRenderer.render("s-1", "root ALL=(ALL) ALL", List.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("role " + RoleNames.RULE);
    }

    private Visudo visudo(String content) throws IOException, InterruptedException {
        Path file = Files.createTempFile(dir, "sudoers", ".tmp");
        Files.writeString(file, content, StandardCharsets.US_ASCII);
        Process p = new ProcessBuilder(visudo, "-cf", file.toString())
                .redirectErrorStream(true)
                .start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return new Visudo(p.exitValue(), output);
    }

    private void assertPasses(String content) throws IOException, InterruptedException {
        Visudo result = visudo(content);
        assertThat(result.exit()).as("visudo -cf said: %s", result.output()).isZero();
    }

    private record Visudo(int exit, String output) {}

    private static SudoRule rule(String command) {
        return new SudoRule(command, null, null);
    }
}

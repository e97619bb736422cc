package dev.keyless.cli;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.delete;
import static com.github.tomakehurst.wiremock.client.WireMock.deleteRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static dev.keyless.cli.FakeService.ADMIN_TOKEN;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The prompts of {@code admin ... delete} and {@code admin apply}: in-process with a scripted
 * terminal (yes, no, end of input, none at all), then as a real process with stdin a pipe (no
 * terminal: refuses without {@code --yes}, never reads stdin) and with a real pseudo-terminal
 * ({@code script(1)}), where {@link Terminal#system()} asks and reads the answer.
 */
class ConfirmationTest {
    private FakeService service;
    private final Map<String, String> env = new HashMap<>();
    private final List<String> asked = new ArrayList<>();

    @TempDir
    Path tmp;

    record Run(int exit, String out, String err) {}

    @BeforeEach
    void start() {
        service = new FakeService();
        service.wm.stubFor(delete(urlPathEqualTo("/v1/teams/default/servers/web-01"))
                .willReturn(aResponse().withStatus(204)));
        for (String kind : List.of("connections", "roles", "servers", "policies")) {
            service.wm.stubFor(get(urlPathEqualTo("/v1/teams/default/" + kind)).willReturn(FakeService.json("[]")));
        }
        service.wm.stubFor(post(urlPathEqualTo("/v1/teams/default/servers"))
                .willReturn(FakeService.json("{\"name\":\"web-02\"}").withStatus(201)));
        env.put("PATH", System.getenv("PATH"));
        env.put("KEYLESS_SERVICE_URL", service.url());
        env.put("KEYLESS_ADMIN_TOKEN", ADMIN_TOKEN);
    }

    @AfterEach
    void stop() {
        service.close();
    }

    /** The CLI in-process; {@code answer} is what the user types, absent: no terminal at all. */
    private Run run(Optional<String> answer, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        Optional<Terminal> terminal = answer.map(a -> question -> {
            asked.add(question);
            return a.equals("<EOF>") ? null : a;
        });
        int exit = KeylessCli.run(args, new Context(env, new PrintWriter(out), new PrintWriter(err), () -> terminal));
        return new Run(exit, out.toString(), err.toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"y", "yes", " Y "})
    void deleteAsksAndDeletesOnYes(String answer) {
        Run r = run(Optional.of(answer), "admin", "servers", "delete", "web-01");
        assertThat(r.exit()).isZero();
        assertThat(asked)
                .containsExactly("Delete server 'web-01' of team default, which revokes its live sessions? [y/N] ");
        assertThat(r.out()).contains("deleted web-01");
        service.wm.verify(1, deleteRequestedFor(urlPathEqualTo("/v1/teams/default/servers/web-01")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"n", "", "no", "yep", "<EOF>"})
    void deleteDoesNothingUnlessTheAnswerIsYes(String answer) {
        Run r = run(Optional.of(answer), "admin", "servers", "delete", "web-01");
        assertThat(r.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(asked).hasSize(1);
        assertThat(r.out()).contains("nothing deleted").doesNotContain("deleted web-01");
        service.wm.verify(0, deleteRequestedFor(anyUrl()));
    }

    @Test
    void deleteWithoutATerminalNeedsYes() {
        Run refused = run(Optional.empty(), "admin", "servers", "delete", "web-01");
        assertThat(refused.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(refused.err()).contains("no terminal to confirm on: pass --yes");
        service.wm.verify(0, deleteRequestedFor(anyUrl()));

        Run yes = run(Optional.empty(), "admin", "servers", "delete", "web-01", "--yes");
        assertThat(yes.exit()).isZero();
        assertThat(yes.out()).contains("deleted web-01");
        service.wm.verify(1, deleteRequestedFor(urlPathEqualTo("/v1/teams/default/servers/web-01")));
    }

    @Test
    void everyResourceDeleteAsksWithItsOwnWords() {
        for (String kind : List.of("connections", "roles", "policies")) {
            run(Optional.of("n"), "admin", kind, "delete", "x");
        }
        assertThat(asked)
                .containsExactly(
                        "Delete connection 'x' of team default? [y/N] ",
                        "Delete role 'x' of team default, which ends its live sessions? [y/N] ",
                        "Delete policy 'x' of team default, which ends the live sessions only it allowed? [y/N] ");
        service.wm.verify(0, deleteRequestedFor(anyUrl()));
    }

    private Path teamFile() throws IOException {
        return Files.writeString(
                tmp.resolve("team.yaml"), "servers:\n- name: web-02\n  address: 10.0.0.2\n  port: 22\n  labels: {}\n");
    }

    @Test
    void applyShowsThePlanAsksAndAppliesOnYes() throws IOException {
        Run r = run(Optional.of("y"), "admin", "apply", "-f", teamFile().toString());
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(asked).containsExactly("Apply these changes to team default? [y/N] ");
        assertThat(r.out()).contains("1 to create", "web-02", "done:    create server web-02");
        service.wm.verify(1, postRequestedFor(urlPathEqualTo("/v1/teams/default/servers")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"n", "<EOF>"})
    void applyDeclinedChangesNothing(String answer) throws IOException {
        Run r = run(Optional.of(answer), "admin", "apply", "-f", teamFile().toString());
        assertThat(r.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.out()).contains("1 to create", "nothing applied").doesNotContain("done:");
        service.wm.verify(0, postRequestedFor(anyUrl()));
    }

    @Test
    void applyWithoutATerminalNeedsYesOrDryRun() throws IOException {
        String file = teamFile().toString();
        Run refused = run(Optional.empty(), "admin", "apply", "-f", file);
        assertThat(refused.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(refused.out()).contains("1 to create");
        assertThat(refused.err()).contains("no terminal to confirm on: pass --yes");
        Run dryRun = run(Optional.empty(), "admin", "apply", "-f", file, "--dry-run");
        assertThat(dryRun.exit()).isZero();
        service.wm.verify(0, postRequestedFor(anyUrl()));

        Run yes = run(Optional.empty(), "admin", "apply", "-f", file, "--yes");
        assertThat(yes.exit()).isZero();
        service.wm.verify(1, postRequestedFor(urlPathEqualTo("/v1/teams/default/servers")));
    }

    // --- the real process: Terminal.system() ---

    private List<String> java(String... args) {
        List<String> cmd = new ArrayList<>(List.of(
                ProcessHandle.current().info().command().orElse("java"),
                "-cp",
                System.getProperty("java.class.path"),
                KeylessCli.class.getName()));
        cmd.addAll(List.of(args));
        return cmd;
    }

    private Run process(List<String> cmd, String stdin) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().putAll(env);
        Process p = pb.start();
        try (OutputStream in = p.getOutputStream()) {
            in.write(stdin.getBytes(StandardCharsets.UTF_8));
        } catch (IOException closedEarly) {
            // the CLI exited without reading stdin: what a tty-less run must do
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Thread t = new Thread(() -> {
            try {
                p.getErrorStream().transferTo(err);
            } catch (IOException ignored) {
                // the process ended
            }
        });
        t.start();
        p.getInputStream().transferTo(out);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        t.join();
        return new Run(p.exitValue(), out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void aPipeOnStdinIsNoTerminalEvenWhenItSaysYes() throws Exception {
        Run r = process(java("admin", "servers", "delete", "web-01"), "y\n");
        assertThat(r.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.err()).contains("no terminal to confirm on: pass --yes");
        service.wm.verify(0, deleteRequestedFor(anyUrl()));
        service.wm.verify(0, anyRequestedFor(anyUrl()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"y", "n"})
    void aRealTerminalIsAsked(String answer) throws Exception {
        // script(1) runs the CLI on a new pseudo-terminal and types what it reads from its stdin.
        String command = String.join(
                " ",
                java("admin", "servers", "delete", "web-01").stream()
                        .map(a -> "'" + a.replace("'", "'\\''") + "'")
                        .toList());
        Run r = process(List.of("script", "-q", "-e", "-c", command, "/dev/null"), answer + "\n");
        assertThat(r.out()).contains("Delete server 'web-01' of team default");
        if (answer.equals("y")) {
            assertThat(r.exit()).isZero();
            assertThat(r.out()).contains("deleted web-01");
            service.wm.verify(1, deleteRequestedFor(urlPathEqualTo("/v1/teams/default/servers/web-01")));
        } else {
            assertThat(r.exit()).isEqualTo(ExitCodes.USAGE);
            assertThat(r.out()).contains("nothing deleted");
            service.wm.verify(0, deleteRequestedFor(anyUrl()));
        }
    }
}

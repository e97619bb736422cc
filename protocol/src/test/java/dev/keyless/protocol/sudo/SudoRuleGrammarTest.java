package dev.keyless.protocol.sudo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keyless.protocol.PolicyRequests.SudoRule;
import java.util.Collections;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class SudoRuleGrammarTest {
    private static final String WILDCARD_NEEDS_FLAG =
            "argument 1 holds a wildcard (* ? [ ]), which needs allow_wildcards: true";

    static Stream<Arguments> hostileRulesAreRejected() {
        return Stream.of(
                hostile(
                        "shell with quoted script",
                        "/bin/sh -c \"x\"",
                        false,
                        "character 12: '\"' is a shell or sudoers metacharacter"),
                hostile(
                        "command chaining",
                        "/usr/bin/foo; rm -rf /",
                        false,
                        "character 13: ';' is a shell or sudoers metacharacter"),
                hostile(
                        "newline injecting a root line",
                        "/usr/bin/foo\nroot ALL=(ALL) ALL",
                        false,
                        "character 13: U+000A is a control or non-ASCII character"),
                hostile("ALL without unrestricted", "ALL", false, "ALL needs unrestricted: true"),
                hostile("ALL with only wildcards", "ALL", true, "ALL needs unrestricted: true"),
                hostile("glob command path", "/usr/bin/*", false, "wildcards are not allowed in the command path"),
                hostile(
                        "glob command path with wildcards allowed",
                        "/usr/bin/*",
                        true,
                        "wildcards are not allowed in the command path"),
                hostile(
                        "directory (any command in it)",
                        "/usr/bin/",
                        false,
                        "command path must name a file: no empty segment or trailing /"),
                hostile("relative path", "usr/bin/id", false, "command must be an absolute path"),
                hostile("dot-relative path", "./deploy.sh", false, "command must be an absolute path"),
                hostile("bare sudoedit", "sudoedit /etc/shadow", false, "command must be an absolute path"),
                hostile("sudoedit by path", "/usr/bin/sudoedit /etc/sudoers", false, "sudoedit is not allowed"),
                hostile(
                        "dot-dot segment",
                        "/usr/bin/../../bin/sh",
                        false,
                        "command path must not contain . or .. segments"),
                hostile("dot segment", "/usr/./bin/id", false, "command path must not contain . or .. segments"),
                hostile(
                        "double slash",
                        "/usr//bin/id",
                        false,
                        "command path must name a file: no empty segment or trailing /"),
                hostile(
                        "command substitution",
                        "/usr/bin/foo $(id)",
                        false,
                        "character 14: '$' is a shell or sudoers metacharacter"),
                hostile(
                        "backticks",
                        "/usr/bin/foo `id`",
                        false,
                        "character 14: '`' is a shell or sudoers metacharacter"),
                hostile(
                        "NUL byte",
                        "/usr/bin/foo\0/bin/sh",
                        false,
                        "character 13: U+0000 is a control or non-ASCII character"),
                hostile(
                        "tab separator",
                        "/usr/bin/foo\tbar",
                        false,
                        "character 13: U+0009 is a control or non-ASCII character"),
                hostile(
                        "unicode division slash",
                        "\u2215usr\u2215bin\u2215id",
                        false,
                        "character 1: U+2215 is a control or non-ASCII character"),
                hostile(
                        "fullwidth slash",
                        "\uff0fbin\uff0fsh",
                        false,
                        "character 1: U+FF0F is a control or non-ASCII character"),
                hostile("very long", "/usr/bin/" + "a".repeat(600), false, "is longer than 512 characters"),
                hostile(
                        "comma adds a second command",
                        "/usr/bin/id, /bin/sh",
                        false,
                        "command path may only hold [A-Za-z0-9._+/-]"),
                hostile("colon in path", "/usr/bin/id:ALL", false, "command path may only hold [A-Za-z0-9._+/-]"),
                hostile(
                        "backslash escape",
                        "/usr/bin/foo a\\,b",
                        false,
                        "character 15: '\\' is a shell or sudoers metacharacter"),
                hostile(
                        "comment marker",
                        "/usr/bin/foo #x",
                        false,
                        "character 14: '#' is a shell or sudoers metacharacter"),
                hostile("negation", "/usr/bin/foo !x", false, "character 14: '!' is a shell or sudoers metacharacter"),
                hostile("tilde", "/usr/bin/foo ~root", false, "character 14: '~' is a shell or sudoers metacharacter"),
                hostile(
                        "redirect",
                        "/usr/bin/foo >/etc/passwd",
                        false,
                        "character 14: '>' is a shell or sudoers metacharacter"),
                hostile("pipe", "/usr/bin/foo|sh", false, "character 13: '|' is a shell or sudoers metacharacter"),
                hostile(
                        "single quotes",
                        "/usr/bin/foo 'x'",
                        false,
                        "character 14: ''' is a shell or sudoers metacharacter"),
                hostile(
                        "runas spec",
                        "(ALL) /usr/bin/id",
                        false,
                        "character 1: '(' is a shell or sudoers metacharacter"),
                hostile(
                        "empty-arguments marker",
                        "/usr/bin/foo \"\"",
                        false,
                        "character 14: '\"' is a shell or sudoers metacharacter"),
                hostile(
                        "regex (sudo 1.9.10+)",
                        "^/usr/bin/.*$",
                        false,
                        "character 1: '^' is a shell or sudoers metacharacter"),
                hostile("argument wildcard without flag", "/usr/bin/cat /var/log/*", false, WILDCARD_NEEDS_FLAG),
                hostile("double space", "/usr/bin/foo  bar", false, "words must be separated by single spaces"),
                hostile("trailing space", "/usr/bin/foo ", false, "words must be separated by single spaces"),
                hostile("empty", "", false, "command is required"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource
    void hostileRulesAreRejected(String name, SudoRule rule, String reason) {
        assertThatThrownBy(() -> SudoRuleGrammar.parse(7, rule))
                .isInstanceOfSatisfying(InvalidSudoRuleException.class, e -> {
                    assertThat(e.index()).isEqualTo(7);
                    assertThat(e.field()).isEqualTo("sudo[7].command");
                    assertThat(e.reason()).isEqualTo(reason);
                    assertThat(e.getMessage()).isEqualTo("sudo[7]: " + reason);
                });
    }

    static Stream<Arguments> validRulesAreNormalized() {
        return Stream.of(
                valid(
                        "command with arguments",
                        "/usr/bin/systemctl restart app",
                        false,
                        new SudoCommand("/usr/bin/systemctl", List.of("restart", "app"), false, false)),
                valid(
                        "command without arguments",
                        "/usr/bin/id",
                        false,
                        new SudoCommand("/usr/bin/id", List.of(), false, false)),
                valid(
                        "wildcard flag but no wildcard",
                        "/usr/bin/id -u",
                        true,
                        new SudoCommand("/usr/bin/id", List.of("-u"), false, false)),
                valid(
                        "any arguments",
                        "/usr/bin/journalctl *",
                        true,
                        new SudoCommand("/usr/bin/journalctl", List.of("*"), true, false)),
                valid(
                        "sudoers syntax characters in arguments",
                        "/opt/app/bin/c++ --x=a:b,c @f %s",
                        false,
                        new SudoCommand("/opt/app/bin/c++", List.of("--x=a:b,c", "@f", "%s"), false, false)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource
    void validRulesAreNormalized(String name, SudoRule rule, SudoCommand expected) {
        assertThat(SudoRuleGrammar.parse(0, rule)).isEqualTo(expected);
    }

    @Test
    void unrestrictedOnlyWithAll() {
        assertThat(SudoRuleGrammar.parse(0, new SudoRule("ALL", null, true))).isEqualTo(SudoCommand.ALL);
        assertThatThrownBy(() -> SudoRuleGrammar.parse(2, new SudoRule("/usr/bin/id", null, true)))
                .hasMessage("sudo[2]: unrestricted is only valid with the command ALL");
    }

    @Test
    void rejectsMoreThanFiftyRules() {
        List<SudoRule> rules = Collections.nCopies(51, new SudoRule("/usr/bin/id", null, null));
        assertThat(SudoRuleGrammar.parseAll(rules.subList(0, 50))).hasSize(50);
        assertThatThrownBy(() -> SudoRuleGrammar.parseAll(rules))
                .hasMessage("sudo[50]: a policy holds at most 50 sudo rules");
    }

    @Test
    void parseAllNamesTheFirstBadIndex() {
        List<SudoRule> rules = List.of(new SudoRule("/usr/bin/id", null, null), new SudoRule("/bin/sh;", null, null));
        assertThatThrownBy(() -> SudoRuleGrammar.parseAll(rules))
                .hasMessage("sudo[1]: character 8: ';' is a shell or sudoers metacharacter");
    }

    @Test
    void sudoCommandConstructorIsABackstop() {
        assertThatThrownBy(() -> new SudoCommand("/usr/bin/foo", List.of("a;b"), false, false))
                .hasMessage("sudo command argument breaks the grammar");
        assertThatThrownBy(() -> new SudoCommand("/usr/bin/", List.of(), false, false))
                .hasMessage("sudo command path breaks the grammar");
        assertThatThrownBy(() -> new SudoCommand("/usr/bin/foo", List.of("*"), false, false))
                .hasMessage("sudo command argument breaks the grammar");
        assertThatThrownBy(() -> new SudoCommand("/bin/sh", List.of(), false, true))
                .hasMessage("an unrestricted sudo command is exactly ALL");
    }

    private static Arguments hostile(String name, String command, boolean wildcards, String reason) {
        return Arguments.of(name, new SudoRule(command, wildcards, null), reason);
    }

    private static Arguments valid(String name, String command, boolean wildcards, SudoCommand expected) {
        return Arguments.of(name, new SudoRule(command, wildcards, null), expected);
    }
}

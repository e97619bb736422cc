package dev.keyless.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Every command and subcommand of the tree, found by walking it (so a new command is covered
 * without touching this test): {@code --help} and {@code -h} exit 0 and print the purpose, every
 * option with its environment variable where it has one, and an example; a command that needs a
 * subcommand and gets none prints its commands, not a hint to try again.
 */
class CommandTreeHelpTest {
    record Run(int exit, String out, String err) {}

    static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        // No KEYLESS_* variable: help must not need a service, a token or a team.
        int exit = KeylessCli.run(args, Map.of("PATH", "/usr/bin:/bin"), new PrintWriter(out), new PrintWriter(err));
        return new Run(exit, out.toString(), err.toString());
    }

    /** Each command's words after {@code keyless}, e.g. {@code [admin, connections, list]}. */
    static Stream<Arguments> commands() {
        List<Arguments> all = new ArrayList<>();
        walk(
                KeylessCli.commandLine(new Context(
                        Map.of(), new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()))),
                new ArrayList<>(),
                all);
        return all.stream();
    }

    private static void walk(CommandLine cmd, List<String> path, List<Arguments> all) {
        all.add(Arguments.of(String.join(" ", path), List.copyOf(path)));
        cmd.getSubcommands().forEach((name, sub) -> {
            // aliases point at the same command; "help" is picocli's own
            if (name.equals(sub.getCommandName()) && !name.equals("help")) {
                List<String> next = new ArrayList<>(path);
                next.add(name);
                walk(sub, next, all);
            }
        });
    }

    @ParameterizedTest(name = "keyless {0} --help")
    @MethodSource("commands")
    void helpWorksEverywhere(String name, List<String> path) {
        for (String flag : List.of("--help", "-h")) {
            List<String> args = new ArrayList<>(path);
            args.add(flag);
            Run r = run(args.toArray(String[]::new));
            assertThat(r.exit()).as(r.err()).isZero();
            assertThat(r.err()).isEmpty();
            assertThat(r.out()).startsWith("Usage: keyless" + (name.isEmpty() ? "" : " " + name));
            CommandSpec spec = spec(path);
            assertThat(spec.usageMessage().description())
                    .as("a one-line purpose")
                    .isNotEmpty();
            String purpose = spec.usageMessage().description()[0];
            assertThat(r.out()).contains(purpose.substring(0, Math.min(20, purpose.length())));
            assertThat(r.out()).as("an example").contains("Examples:");
            for (OptionSpec option : spec.options()) {
                assertThat(r.out()).contains(option.longestName());
                if (option.defaultValue() != null && !option.usageHelp() && !option.versionHelp()) {
                    assertThat(String.join(" ", option.description()))
                            .as("the default of " + option.longestName())
                            .contains("default");
                }
                if (EnvDefaults.fromEnv(option)) {
                    assertThat(r.out().replaceAll("\\s+", " "))
                            .as("the variable of " + option.longestName())
                            .contains(EnvDefaults.variableFor(option.longestName()));
                }
            }
        }
    }

    @ParameterizedTest(name = "keyless {0} (no subcommand)")
    @MethodSource("commands")
    void aGroupWithoutItsSubcommandListsThem(String name, List<String> path) {
        CommandSpec spec = spec(path);
        if (spec.subcommands().isEmpty() || spec.userObject() instanceof Runnable) {
            return;
        }
        Run r = run(path.toArray(String[]::new));
        assertThat(r.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.err()).contains("Commands:").doesNotContain("hint:");
        spec.subcommands().keySet().forEach(sub -> assertThat(r.err()).contains(sub));
    }

    /** Each configurable name reads its variable on some command, and says so in the help. */
    @org.junit.jupiter.api.Test
    void everyConfigurableOptionReadsItsVariableSomewhere() {
        java.util.Set<String> seen = new java.util.TreeSet<>();
        commands().forEach(a -> {
            @SuppressWarnings("unchecked")
            List<String> path = (List<String>) a.get()[1];
            spec(path).options().stream()
                    .filter(EnvDefaults::fromEnv)
                    .forEach(o -> seen.add(o.longestName().replaceFirst("^--", "")));
        });
        assertThat(seen).containsExactlyInAnyOrderElementsOf(EnvDefaults.CONFIGURABLE);
    }

    @org.junit.jupiter.api.Test
    void usageErrorsPrintTheCommandsUsageNotAHint() {
        Run r = run("admin", "connections", "get");
        assertThat(r.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.err())
                .contains("Missing required parameter: 'NAME'", "Usage: keyless admin connections get")
                .doesNotContain("hint:");
        Run missing = run("exec", "--server", "web-01");
        assertThat(missing.err()).contains("Usage: keyless exec");
    }

    /**
     * One tree for reading the specs: building the whole tree (50 admin subcommands) took about as
     * long as a help run, and the specs are only read. Each run above still builds its own tree, as
     * the CLI does.
     */
    private static final CommandLine TREE = KeylessCli.commandLine(
            new Context(Map.of(), new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter())));

    static CommandSpec spec(List<String> path) {
        CommandLine cmd = TREE;
        for (String word : path) {
            cmd = cmd.getSubcommands().get(word);
        }
        return cmd.getCommandSpec();
    }
}

package dev.keyless.protocol.sudo;

import java.util.List;

/**
 * One validated, normalized sudo command: an absolute path and its exact argument list, or the
 * unrestricted {@code ALL}. Only {@link SudoRuleGrammar} should make these from user input; the
 * constructor re-checks the character-level invariants anyway, so no instance can carry a byte
 * that {@link SudoersRenderer} would have to trust.
 *
 * @param path absolute command path, or {@code ALL} when {@code unrestricted}
 * @param arguments exact arguments; empty means the command may run with no arguments at all
 * @param wildcards whether any argument holds {@code * ? [ ]} (sudoers glob semantics, which do
 *     match spaces and {@code ..}: that is why they need an explicit opt-in)
 * @param unrestricted the rule is {@code ALL}: any command as root
 */
public record SudoCommand(String path, List<String> arguments, boolean wildcards, boolean unrestricted) {
    /** The unrestricted rule, {@code ALL}. */
    public static final SudoCommand ALL = new SudoCommand("ALL", List.of(), false, true);

    public SudoCommand {
        arguments = List.copyOf(arguments);
        if (unrestricted) {
            if (!"ALL".equals(path) || !arguments.isEmpty() || wildcards) {
                throw new IllegalArgumentException("an unrestricted sudo command is exactly ALL");
            }
        } else {
            if (SudoRuleGrammar.pathProblem(path) != null) {
                throw new IllegalArgumentException("sudo command path breaks the grammar");
            }
            for (String argument : arguments) {
                if (SudoRuleGrammar.argumentProblem(argument, wildcards) != null) {
                    throw new IllegalArgumentException("sudo command argument breaks the grammar");
                }
            }
        }
    }

    /** The normalized rule text, words joined by single spaces, e.g. {@code /usr/bin/id -u}. */
    public String text() {
        return arguments.isEmpty() ? path : path + " " + String.join(" ", arguments);
    }
}

package dev.keyless.protocol.sudo;

import dev.keyless.protocol.PolicyRequests.SudoRule;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The write-time grammar of sudo rules. A rule is an absolute command path followed by zero or
 * more arguments, separated by single spaces:
 *
 * <ul>
 *   <li>path: {@code /[A-Za-z0-9._+/-]+}, no empty, {@code .} or {@code ..} segments and no
 *       trailing {@code /} (sudoers reads a trailing slash as "any command in that directory"),
 *       never wildcards (a glob path such as {@code /usr/bin/*} includes every shell), and never
 *       {@code sudoedit} (sudoers gives it a meaning of its own);
 *   <li>arguments: {@code [A-Za-z0-9._+=:,@/%-]+}; of these, sudoers treats {@code , : =} as
 *       syntax, so {@link SudoersRenderer} escapes them with a backslash. The backslash itself is
 *       forbidden, so there is nothing to escape twice;
 *   <li>wildcards {@code * ? [ ]} only in arguments and only when {@code allowWildcards} is true
 *       ({@code /usr/bin/journalctl *} is how an admin allows any arguments);
 *   <li>{@code ALL} as the whole command only when {@code unrestricted} is true, and {@code
 *       unrestricted} only with {@code ALL};
 *   <li>no shell or sudoers metacharacters, no control characters, no non-ASCII at all.
 * </ul>
 *
 * A rule without arguments means "no arguments": sudoers' bare command would allow any. Stateless
 * and thread-safe.
 */
public final class SudoRuleGrammar {
    /** Most sudo rules one policy may hold. */
    public static final int MAX_RULES = 50;
    /** Longest rule text, in characters. */
    public static final int MAX_RULE_LENGTH = 512;

    private static final Pattern PATH = Pattern.compile("/[A-Za-z0-9._+/-]+");
    private static final Pattern ARGUMENT = Pattern.compile("[A-Za-z0-9._+=:,@/%-]+");
    private static final Pattern WILDCARD_ARGUMENT = Pattern.compile("[A-Za-z0-9._+=:,@/%*?\\[\\]-]+");
    private static final String ALPHABET =
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._+=:,@/%*?[]- ";

    private SudoRuleGrammar() {}

    /** Validates a policy's whole rule list; throws for the first bad rule. */
    public static List<SudoCommand> parseAll(List<SudoRule> rules) {
        if (rules == null) {
            return List.of();
        }
        if (rules.size() > MAX_RULES) {
            throw new InvalidSudoRuleException(MAX_RULES, "a policy holds at most " + MAX_RULES + " sudo rules");
        }
        List<SudoCommand> out = new ArrayList<>(rules.size());
        for (int i = 0; i < rules.size(); i++) {
            out.add(parse(i, rules.get(i)));
        }
        return List.copyOf(out);
    }

    /** Validates one rule, {@code index} being its place in the policy (for the error only). */
    public static SudoCommand parse(int index, SudoRule rule) {
        if (rule == null || rule.command() == null || rule.command().isEmpty()) {
            throw new InvalidSudoRuleException(index, "command is required");
        }
        String command = rule.command();
        boolean allowWildcards = Boolean.TRUE.equals(rule.allowWildcards());
        boolean unrestricted = Boolean.TRUE.equals(rule.unrestricted());
        if (command.length() > MAX_RULE_LENGTH) {
            throw new InvalidSudoRuleException(index, "is longer than " + MAX_RULE_LENGTH + " characters");
        }
        if (command.equals("ALL")) {
            if (!unrestricted) {
                throw new InvalidSudoRuleException(index, "ALL needs unrestricted: true");
            }
            return SudoCommand.ALL;
        }
        if (unrestricted) {
            throw new InvalidSudoRuleException(index, "unrestricted is only valid with the command ALL");
        }
        checkAlphabet(index, command);
        if (command.charAt(0) != '/') {
            throw new InvalidSudoRuleException(index, "command must be an absolute path");
        }
        String[] words = command.split(" ", -1);
        for (String word : words) {
            if (word.isEmpty()) {
                throw new InvalidSudoRuleException(index, "words must be separated by single spaces");
            }
        }
        String pathProblem = pathProblem(words[0]);
        if (pathProblem != null) {
            throw new InvalidSudoRuleException(index, pathProblem);
        }
        List<String> arguments = Arrays.asList(words).subList(1, words.length);
        boolean wildcards = false;
        for (int i = 0; i < arguments.size(); i++) {
            String problem = argumentProblem(arguments.get(i), allowWildcards);
            if (problem != null) {
                throw new InvalidSudoRuleException(index, "argument " + (i + 1) + " " + problem);
            }
            wildcards |= !ARGUMENT.matcher(arguments.get(i)).matches();
        }
        return new SudoCommand(words[0], arguments, wildcards, false);
    }

    /**
     * Parses one command as {@link SudoCommand#text()} rendered it, for a receiver (the host agent)
     * that re-validates what the service sends. {@code ALL} and argument wildcards are accepted,
     * because the service only renders them after the policy opted in; everything else follows
     * {@link #parse}.
     */
    public static SudoCommand parseText(int index, String text) {
        if ("ALL".equals(text)) {
            return SudoCommand.ALL;
        }
        // With wildcards allowed the grammar is otherwise unchanged; a text without any parses the same.
        return parse(index, new SudoRule(text, true, false));
    }

    /** What is wrong with a command path, or null when it is fine. */
    static String pathProblem(String path) {
        if (path == null || path.isEmpty() || path.charAt(0) != '/') {
            return "command must be an absolute path";
        }
        if (hasWildcard(path)) {
            return "wildcards are not allowed in the command path";
        }
        if (!PATH.matcher(path).matches()) {
            return "command path may only hold [A-Za-z0-9._+/-]";
        }
        String[] segments = path.substring(1).split("/", -1);
        for (String segment : segments) {
            if (segment.isEmpty()) {
                return "command path must name a file: no empty segment or trailing /";
            }
            if (segment.equals(".") || segment.equals("..")) {
                return "command path must not contain . or .. segments";
            }
        }
        if (segments[segments.length - 1].equals("sudoedit")) {
            return "sudoedit is not allowed";
        }
        return null;
    }

    /** What is wrong with one argument, or null when it is fine. */
    static String argumentProblem(String argument, boolean allowWildcards) {
        if (argument == null || argument.isEmpty()) {
            return "is empty";
        }
        if (hasWildcard(argument) && !allowWildcards) {
            return "holds a wildcard (* ? [ ]), which needs allow_wildcards: true";
        }
        Pattern pattern = allowWildcards ? WILDCARD_ARGUMENT : ARGUMENT;
        return pattern.matcher(argument).matches() ? null : "may only hold [A-Za-z0-9._+=:,@/%-]";
    }

    private static boolean hasWildcard(String word) {
        for (int i = 0; i < word.length(); i++) {
            if ("*?[]".indexOf(word.charAt(i)) >= 0) {
                return true;
            }
        }
        return false;
    }

    /** Rejects any character outside the grammar's alphabet, naming its position and kind only. */
    private static void checkAlphabet(int index, String command) {
        for (int i = 0; i < command.length(); i++) {
            char c = command.charAt(i);
            if (ALPHABET.indexOf(c) >= 0) {
                continue;
            }
            String what = c > 0x20 && c < 0x7f
                    ? "'" + c + "' is a shell or sudoers metacharacter"
                    : String.format("U+%04X is a control or non-ASCII character", (int) c);
            throw new InvalidSudoRuleException(index, "character " + (i + 1) + ": " + what);
        }
    }
}

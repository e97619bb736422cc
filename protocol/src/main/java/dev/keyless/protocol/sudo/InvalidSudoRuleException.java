package dev.keyless.protocol.sudo;

/**
 * A sudo rule broke the grammar of {@link SudoRuleGrammar}. The message names the rule's index and
 * what is wrong (at most a character position and one forbidden metacharacter), never the rule
 * text, which may have been written to smuggle something into a log or a response.
 */
public final class InvalidSudoRuleException extends IllegalArgumentException {
    private final int index;
    private final String reason;

    public InvalidSudoRuleException(int index, String reason) {
        super("sudo[" + index + "]: " + reason);
        this.index = index;
        this.reason = reason;
    }

    /** Zero-based index of the rule in the policy's {@code sudo} list. */
    public int index() {
        return index;
    }

    /** What is wrong, without the rule text. */
    public String reason() {
        return reason;
    }

    /** The request field, e.g. {@code sudo[3].command}. */
    public String field() {
        return "sudo[" + index + "].command";
    }
}

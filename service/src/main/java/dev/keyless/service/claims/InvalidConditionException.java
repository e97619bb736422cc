package dev.keyless.service.claims;

/**
 * A claim condition was refused at write time. {@link #field()} is the configured claim name (the
 * admin's own input, safe to echo); the message is fixed text naming the rule that was broken.
 */
public final class InvalidConditionException extends IllegalArgumentException {
    private final String field;

    public InvalidConditionException(String field, String message) {
        super(message);
        this.field = field;
    }

    /** The claim name of the refused condition, as configured. */
    public String field() {
        return field;
    }
}

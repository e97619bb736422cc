package dev.keyless.client.token;

/**
 * No platform token could be had. {@link #reason()} tells a configuration problem (nothing to
 * read: fix the job) from a fetch failure (the platform's endpoint failed: retry or check the
 * network). {@link #hint()} is a one-line suggestion for the common cause, or null. Messages never
 * contain a token.
 */
public final class TokenSourceException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Why no token was had. */
    public enum Reason {
        NOT_CONFIGURED,
        FETCH_FAILED
    }

    private final Reason reason;
    private final String hint;

    public TokenSourceException(Reason reason, String message, String hint) {
        this(reason, message, hint, null);
    }

    public TokenSourceException(Reason reason, String message, String hint, Throwable cause) {
        super(message, cause);
        this.reason = reason;
        this.hint = hint;
    }

    public Reason reason() {
        return reason;
    }

    public String hint() {
        return hint;
    }
}

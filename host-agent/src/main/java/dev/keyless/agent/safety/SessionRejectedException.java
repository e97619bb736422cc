package dev.keyless.agent.safety;

/** A received session broke a grammar; the message names the field and rule, never the value. */
public final class SessionRejectedException extends RuntimeException {
    public SessionRejectedException(String reason) {
        super(reason);
    }

    /** The short reason reported to the service with {@code /failed}. */
    public String reason() {
        return getMessage();
    }
}

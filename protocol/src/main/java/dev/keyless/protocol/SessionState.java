package dev.keyless.protocol;

/** Lifecycle of one SSH session. {@code CLOSED}, {@code EXPIRED} and {@code REVOKED} are final. */
public enum SessionState {
    PENDING,
    READY,
    CLOSED,
    EXPIRED,
    REVOKED;

    /** Whether the session has ended. */
    public boolean isFinal() {
        return this == CLOSED || this == EXPIRED || this == REVOKED;
    }
}

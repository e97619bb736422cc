package dev.keyless.client;

import dev.keyless.protocol.SessionState;

/**
 * A session did not become {@code READY}: it ended ({@code CLOSED}, {@code EXPIRED}, {@code
 * REVOKED}) or stayed {@code PENDING} past the wait limit. {@link #state()} says which.
 */
public final class SessionNotReadyException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String sessionId;
    private final SessionState state;

    public SessionNotReadyException(String sessionId, SessionState state, String message) {
        super(message);
        this.sessionId = sessionId;
        this.state = state;
    }

    public String sessionId() {
        return sessionId;
    }

    public SessionState state() {
        return state;
    }
}

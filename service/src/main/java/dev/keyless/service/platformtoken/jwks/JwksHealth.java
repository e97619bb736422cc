package dev.keyless.service.platformtoken.jwks;

import java.time.Instant;

/**
 * The state of a key source. {@code stale} means the last fetch failed and older keys are still
 * being served. {@code lastError} is one fixed category of failure ("the JWKS fetch failed: timed
 * out"), never a status code, a response body or an address. Instants are null when the event has not happened.
 */
public record JwksHealth(Instant lastSuccess, Instant lastFailure, String lastError, boolean stale, int keyCount) {

    /** Whether any keys can be served right now. */
    public boolean available() {
        return keyCount > 0;
    }
}

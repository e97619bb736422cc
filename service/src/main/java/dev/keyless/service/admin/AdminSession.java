package dev.keyless.service.admin;

import java.time.Duration;
import java.time.Instant;

/** A browser session of an admin signed in through the team's SSO (never its cookie value). */
public record AdminSession(
        String team,
        String admin,
        String csrfToken,
        Instant createdAt,
        Instant lastSeenAt,
        Instant expiresAt,
        Instant endedAt) {

    /** Why the session no longer authenticates at {@code now}, or null while it does. */
    public String deadAt(Instant now, Duration idleTimeout) {
        if (endedAt != null) {
            return "ended by logout";
        }
        if (!now.isBefore(expiresAt)) {
            return "reached its absolute timeout";
        }
        if (!now.isBefore(lastSeenAt.plus(idleTimeout))) {
            return "was idle too long";
        }
        return null;
    }
}

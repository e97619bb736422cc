package dev.keyless.service.admin;

import dev.keyless.protocol.AdminRequests.AdminTokenView;
import java.time.Instant;

/** A stored admin API token (never the token itself). */
record AdminToken(
        String id,
        String team,
        String admin,
        String name,
        String createdBy,
        Instant createdAt,
        Instant expiresAt,
        Instant lastUsedAt,
        Instant revokedAt,
        String revokedBy) {

    boolean expiredAt(Instant now) {
        return expiresAt != null && !now.isBefore(expiresAt);
    }

    String state(Instant now) {
        if (revokedAt != null) {
            return "revoked";
        }
        return expiredAt(now) ? "expired" : "active";
    }

    AdminTokenView view(Instant now) {
        return new AdminTokenView(
                id, name, admin, createdBy, createdAt, expiresAt, lastUsedAt, revokedAt, revokedBy, state(now));
    }
}

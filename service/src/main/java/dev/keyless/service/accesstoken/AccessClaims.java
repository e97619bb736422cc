package dev.keyless.service.accesstoken;

import java.time.Instant;

/**
 * The verified content of a Keyless access token. The integrator compares the two generations with
 * the database (a connection or role changed since issue means the token is stale).
 *
 * @param subject the platform token's {@code sub}
 * @param tokenId the access token's own {@code jti}
 * @param connectionGeneration {@code cgen}: the connection's generation at issue
 * @param roleGeneration {@code rgen}: the role's generation at issue
 * @param runId the platform's run id, if the platform token had one; nullable
 */
public record AccessClaims(
        String team,
        String connection,
        String role,
        String subject,
        String tokenId,
        long connectionGeneration,
        long roleGeneration,
        String runId,
        Instant issuedAt,
        Instant expiresAt) {}

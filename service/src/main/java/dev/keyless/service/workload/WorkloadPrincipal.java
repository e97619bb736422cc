package dev.keyless.service.workload;

import java.time.Instant;

/**
 * A workload authenticated by a live Keyless access token whose connection and role generations
 * are still current. {@code configVersion} is the team configuration the check was made against.
 */
public record WorkloadPrincipal(
        String team,
        String connection,
        String role,
        String subject,
        String tokenId,
        String runId,
        Instant expiresAt,
        long configVersion) {}

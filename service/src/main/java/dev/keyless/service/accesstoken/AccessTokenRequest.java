package dev.keyless.service.accesstoken;

import java.time.Duration;

/**
 * What an access token is issued for, after a platform token was verified and a role matched.
 *
 * @param runId nullable
 * @param ttl how long the token lives; the policy's access-token TTL, 1 s to 1 h
 */
public record AccessTokenRequest(
        String team,
        String connection,
        String role,
        String subject,
        long connectionGeneration,
        long roleGeneration,
        String runId,
        Duration ttl) {}

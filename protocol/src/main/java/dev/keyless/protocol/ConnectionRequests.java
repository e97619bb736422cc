package dev.keyless.protocol;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Requests and views of workload connections. */
public final class ConnectionRequests {
    private ConnectionRequests() {}

    /**
     * Create or replace a connection. {@code provider} is a preset name ({@code github-actions},
     * {@code gitlab}, {@code jenkins}, {@code circleci}, {@code kubernetes}, {@code gcp}, {@code
     * azure}, {@code generic}); {@code issuer} and {@code jwksUri} override the preset. {@code jwks}
     * pins a key set (a JWKS JSON object) for issuers the service cannot reach. Nullable fields
     * take the documented defaults.
     */
    public record ConnectionSpec(
            String name,
            String provider,
            String issuer,
            String jwksUri,
            Map<String, Object> jwks,
            List<String> audiences,
            List<String> algorithms,
            Map<String, Object> requiredClaims,
            Integer maxTokenAgeSeconds,
            Integer clockSkewSeconds) {}

    /** A connection as the service stores it. */
    public record ConnectionView(
            String name,
            String provider,
            String issuer,
            String jwksUri,
            boolean jwksPinned,
            List<String> audiences,
            List<String> algorithms,
            Map<String, Object> requiredClaims,
            int maxTokenAgeSeconds,
            int clockSkewSeconds,
            ConnectionState state,
            long generation,
            String contentHash,
            String createdBy,
            Instant createdAt,
            Instant updatedAt) {}

    /** {@code POST .../connections/{name}/test}: a token to validate without issuing anything. */
    public record TestToken(String token) {}

    /** One check of a validation report; {@code detail} never echoes the token or its values. */
    public record CheckResult(String check, boolean passed, String detail) {}

    /** The full validation report of a token against a connection and its roles. */
    public record ValidationReport(
            String connection, boolean valid, List<CheckResult> checks, List<String> matchingRoles) {}
}

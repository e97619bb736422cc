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

    /**
     * A connection as the service stores it: the live settings it issues under, who proposed and
     * who approved them ({@code approvedContentHash} equals {@code contentHash} whenever it is
     * {@code ACTIVE}), a change waiting for a second security admin, or {@code null}, and for a
     * {@code DRAFT} its request for activation, or {@code null}.
     */
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
            Instant updatedAt,
            String proposedBy,
            String approvedBy,
            Instant approvedAt,
            String approvedContentHash,
            PendingChange pendingChange,
            ActivationRequest activationRequest) {}

    /**
     * A {@code DRAFT}'s request that a second security admin activate it ({@code POST
     * .../request-activation}): who asked, when, for which {@code contentHash}, and what the
     * activation would put into effect ({@code changes}: every setting, from nothing). Any change
     * of the draft drops it; it grants nothing by itself.
     */
    public record ActivationRequest(
            String contentHash, String requestedBy, Instant requestedAt, List<FieldChange> changes) {}

    /**
     * A change of trust settings proposed on an {@code ACTIVE} or {@code INACTIVE} connection; the
     * connection keeps its live settings until a second security admin approves exactly this
     * {@code contentHash}. {@code changes} lists each field that would change.
     */
    public record PendingChange(String contentHash, String proposedBy, Instant proposedAt, List<FieldChange> changes) {}

    /** One field of a pending change: its live value and its proposed value (either may be null). */
    public record FieldChange(String field, Object from, Object to) {}

    /**
     * {@code POST .../approve} and, optionally, {@code .../activate} and {@code
     * .../request-activation}: the content hash the approver
     * reviewed, so that a change swapped in after the review is not approved by mistake.
     */
    public record ApproveChange(String contentHash) {}

    /** {@code POST .../connections/{name}/test}: a token to validate without issuing anything. */
    public record TestToken(String token) {}

    /** One check of a validation report; {@code detail} never echoes the token or its values. */
    public record CheckResult(String check, boolean passed, String detail) {}

    /** The full validation report of a token against a connection and its roles. */
    public record ValidationReport(
            String connection, boolean valid, List<CheckResult> checks, List<String> matchingRoles) {}
}

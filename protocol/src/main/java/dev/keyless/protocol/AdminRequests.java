package dev.keyless.protocol;

/** Requests and responses about a team's admins. */
public final class AdminRequests {
    private AdminRequests() {}

    /** {@code POST /v1/teams/{team}/admins}. {@code role} is a wire name of {@link AdminRole}. */
    public record CreateAdmin(String name, String role) {}

    /** The new admin; {@code token} is shown only in this response and never stored in clear. */
    public record AdminCreated(String name, String role, String token) {}

    /** An admin as listed: never its token. {@code owner} is the person it counts as for four eyes. */
    public record AdminView(String name, String role, String owner, String createdBy, java.time.Instant createdAt) {}

    /**
     * {@code POST /v1/teams}: a new team and the name of its first security admin ({@code
     * bootstrap} when null).
     */
    public record CreateTeam(String name, String admin) {}

    /** The new team and its first security admin, whose token is shown only in this response. */
    public record TeamCreated(String name, AdminCreated admin) {}

    /**
     * {@code POST /v1/teams/{team}/admin-tokens}: a new API token for the calling admin. {@code
     * expiresInSeconds} null takes the team's default lifetime; past the team's maximum it is
     * refused.
     */
    public record CreateAdminToken(String name, Long expiresInSeconds) {}

    /** The new token; {@code token} is shown only in this response and never stored in clear. */
    public record AdminTokenCreated(
            String id,
            String name,
            String admin,
            java.time.Instant createdAt,
            java.time.Instant expiresAt,
            String token) {}

    /**
     * An admin token as listed: never the token. {@code expiresAt}, {@code lastUsedAt}, {@code
     * revokedAt} and {@code revokedBy} are null when not set; {@code state} is {@code active},
     * {@code expired} or {@code revoked}.
     */
    public record AdminTokenView(
            String id,
            String name,
            String admin,
            String createdBy,
            java.time.Instant createdAt,
            java.time.Instant expiresAt,
            java.time.Instant lastUsedAt,
            java.time.Instant revokedAt,
            String revokedBy,
            String state) {}

    /** {@code GET/PUT /v1/teams/{team}/admin-token-policy}: lifetimes of new admin tokens. */
    public record AdminTokenPolicy(Long defaultTtlSeconds, Long maxTtlSeconds) {}

    /**
     * {@code GET /v1/whoami}: whose admin token the bearer is. It tells the holder only about the
     * token itself (its team, its admin, its role), never whether another team exists.
     */
    public record AdminIdentity(String team, String name, String role) {}

    /**
     * Answer of {@code POST /v1/operator/master-key/reseal}: per kind of sealed value ({@code
     * ca_keys}, {@code secret_data_keys}, {@code service_keys}) how many moved onto the current
     * master key, and whether the service still holds a previous key (remove it once this is done).
     */
    public record MasterKeyResealed(java.util.Map<String, Integer> resealed, boolean previousKeyHeld) {}
}

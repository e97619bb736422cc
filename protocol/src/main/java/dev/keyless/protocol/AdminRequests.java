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
     * Answer of {@code POST /v1/operator/master-key/reseal}: per kind of sealed value ({@code
     * ca_keys}, {@code secret_data_keys}, {@code service_keys}) how many moved onto the current
     * master key, and whether the service still holds a previous key (remove it once this is done).
     */
    public record MasterKeyResealed(java.util.Map<String, Integer> resealed, boolean previousKeyHeld) {}
}

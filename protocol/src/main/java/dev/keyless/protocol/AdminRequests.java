package dev.keyless.protocol;

/** Requests and responses about a team's admins. */
public final class AdminRequests {
    private AdminRequests() {}

    /** {@code POST /v1/teams/{team}/admins}. {@code role} is a wire name of {@link AdminRole}. */
    public record CreateAdmin(String name, String role) {}

    /** The new admin; {@code token} is shown only in this response and never stored in clear. */
    public record AdminCreated(String name, String role, String token) {}
}

package dev.keyless.protocol;

import java.time.Instant;
import java.util.Map;

/** Requests and views of workload roles. */
public final class RoleRequests {
    private RoleRequests() {}

    /**
     * A role: a connection plus claim conditions (see the condition grammar in the design). The
     * name must match {@code [a-z][a-z0-9_-]{0,29}}; it becomes the Unix user {@code wl_<name>}.
     */
    public record RoleSpec(String name, String connection, Map<String, Object> claims) {}

    /** A role as stored. */
    public record RoleView(
            String name, String connection, Map<String, Object> claims, String principal, Instant updatedAt) {}
}

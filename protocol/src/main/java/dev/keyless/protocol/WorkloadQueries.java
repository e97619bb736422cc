package dev.keyless.protocol;

import dev.keyless.protocol.ConnectionRequests.CheckResult;
import java.util.List;
import java.util.Map;

/** What a workload may ask about itself: the servers its role reaches, and why a token is refused. */
public final class WorkloadQueries {
    private WorkloadQueries() {}

    /**
     * {@code GET /v1/teams/{team}/workload/servers} (access token): one server the caller's role
     * may reach under the current policies, with its labels (for inventories and groups).
     */
    public record ReachableServer(String name, Map<String, String> labels) {}

    /**
     * {@code POST /v1/teams/{team}/workload/explain}: the platform token to explain, the connection
     * it is for, and optionally the role it should satisfy. Issues nothing and does not consume
     * the token.
     */
    public record ExplainRequest(String connection, String token, String roleHint) {}

    /**
     * Which of the caller's own checks passed: the connection's token checks, then (only once they
     * all pass) whether the hinted role's conditions hold (failed claim names, never the expected
     * values) or which roles the token matches. {@code ready} says whether an exchange would succeed.
     */
    public record ExplainReport(
            String connection, boolean ready, List<CheckResult> checks, List<String> matchingRoles) {}
}

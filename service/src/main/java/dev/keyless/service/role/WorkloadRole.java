package dev.keyless.service.role;

import dev.keyless.protocol.RoleRequests.RoleView;
import dev.keyless.service.claims.ClaimConditions;
import dev.keyless.service.name.Names;
import java.time.Instant;
import java.util.Map;

/**
 * A stored role: a connection plus the claim conditions a token must meet. {@code generation}
 * changes on every edit and on deletion, retiring the access tokens issued under the old rules.
 */
public record WorkloadRole(
        String team,
        String name,
        String connection,
        Map<String, Object> claims,
        ClaimConditions conditions,
        long generation,
        Instant updatedAt) {

    public String principal() {
        return Names.principalFor(name);
    }

    public RoleView view() {
        return new RoleView(name, connection, claims, principal(), updatedAt);
    }
}

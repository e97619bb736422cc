package dev.keyless.service.connection;

import dev.keyless.protocol.ConnectionRequests.ConnectionView;
import dev.keyless.protocol.ConnectionState;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A stored workload connection. {@code generation} changes whenever access tokens issued under the
 * connection must stop working (deactivation, deletion); a token carries the generation it was
 * issued under.
 */
public record WorkloadConnection(
        String team,
        String name,
        String provider,
        String issuer,
        String jwksUri,
        String jwksPinned,
        List<String> audiences,
        List<String> algorithms,
        Map<String, Object> requiredClaims,
        Duration maxTokenAge,
        Duration clockSkew,
        ConnectionState state,
        long generation,
        String contentHash,
        String createdBy,
        Instant createdAt,
        Instant updatedAt) {

    public boolean isActive() {
        return state == ConnectionState.ACTIVE;
    }

    public ConnectionView view() {
        return new ConnectionView(
                name,
                provider,
                issuer,
                jwksUri,
                jwksPinned != null,
                audiences,
                algorithms,
                requiredClaims,
                (int) maxTokenAge.toSeconds(),
                (int) clockSkew.toSeconds(),
                state,
                generation,
                contentHash,
                createdBy,
                createdAt,
                updatedAt);
    }
}

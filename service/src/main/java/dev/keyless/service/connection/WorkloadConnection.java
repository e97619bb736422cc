package dev.keyless.service.connection;

import dev.keyless.protocol.ConnectionRequests.ActivationRequest;
import dev.keyless.protocol.ConnectionRequests.ConnectionView;
import dev.keyless.protocol.ConnectionRequests.PendingChange;
import dev.keyless.protocol.ConnectionState;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A stored workload connection. {@code generation} changes whenever access tokens issued under the
 * connection must stop working (deactivation, deletion, a change of trust settings); a token
 * carries the generation it was issued under. {@code approval} says who proposed the live trust
 * settings and which content hash a second security admin approved.
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
        Instant updatedAt,
        Approval approval) {

    /**
     * Whether tokens may be exchanged under this connection: it is {@code ACTIVE} and its live
     * settings are exactly the ones a second security admin approved. The second half fails closed
     * should a row ever be changed outside {@link ConnectionService}.
     */
    public boolean isActive() {
        return state == ConnectionState.ACTIVE && approval.approves(contentHash);
    }

    WorkloadConnection withState(ConnectionState newState, long newGeneration, Approval newApproval, Instant at) {
        return new WorkloadConnection(
                team,
                name,
                provider,
                issuer,
                jwksUri,
                jwksPinned,
                audiences,
                algorithms,
                requiredClaims,
                maxTokenAge,
                clockSkew,
                newState,
                newGeneration,
                contentHash,
                createdBy,
                createdAt,
                at,
                newApproval);
    }

    WorkloadConnection withSettings(ConnectionSettings s, long newGeneration, Approval newApproval, Instant at) {
        return new WorkloadConnection(
                team,
                name,
                s.provider(),
                s.issuer(),
                s.jwksUri(),
                s.jwksPinned(),
                s.audiences(),
                s.algorithms(),
                s.requiredClaims(),
                s.maxTokenAge(),
                s.clockSkew(),
                state,
                newGeneration,
                s.contentHash(),
                createdBy,
                createdAt,
                at,
                newApproval);
    }

    public ConnectionView view() {
        return view(null, null);
    }

    ConnectionView view(PendingChange pending, ActivationRequest activation) {
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
                updatedAt,
                approval.proposedBy(),
                approval.approvedBy(),
                approval.approvedAt(),
                approval.approvedContentHash(),
                pending,
                activation);
    }
}

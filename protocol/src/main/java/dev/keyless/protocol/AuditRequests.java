package dev.keyless.protocol;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Views of the audit trail. */
public final class AuditRequests {
    private AuditRequests() {}

    /**
     * One hash-chained audit event. {@code outcome} is {@code success} or {@code failure};
     * {@code reason} is a problem slug for refusals. {@code claims} holds only the run-identifying
     * claims (repository, ref, sha, workflow, run id, actor and the like), never a token.
     */
    public record AuditEvent(
            long seq,
            String id,
            Instant time,
            String type,
            String outcome,
            String actorType,
            String actorId,
            String team,
            String connection,
            String role,
            String subject,
            Map<String, String> claims,
            String clientIp,
            String tokenId,
            Long tokenTtlSeconds,
            String server,
            String sessionId,
            String serial,
            String reason,
            Map<String, String> details,
            String previousHash,
            String hash) {}

    /** A page of events. */
    public record AuditPage(List<AuditEvent> events) {}

    /** The result of recomputing the chain; {@code firstBrokenSeq} is null when intact. */
    public record AuditVerification(boolean valid, long eventsChecked, Long firstBrokenSeq, String detail) {}
}

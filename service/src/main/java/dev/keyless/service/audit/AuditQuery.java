package dev.keyless.service.audit;

import java.time.Instant;

/**
 * Filters of {@code GET .../audit}; null means no filter. {@code run} names the events of one
 * pipeline run: those that match all of its fields, the other events of the access tokens those
 * carry, and the events of the sessions either opened (see {@link AuditRepository#find}).
 */
public record AuditQuery(
        Instant since,
        Instant until,
        String type,
        String role,
        String server,
        String session,
        RunSelector run,
        Long afterSeq,
        int limit) {

    /** What identifies a run; null fields are not filtered on. Empty when every field is null. */
    public record RunSelector(String tokenId, String subject, String runId, String repository, String actor) {
        public boolean isEmpty() {
            return tokenId == null && subject == null && runId == null && repository == null && actor == null;
        }
    }
}

package dev.keyless.service.audit;

import java.time.Instant;

/** Filters of {@code GET .../audit}; null means no filter. */
public record AuditQuery(
        Instant since,
        Instant until,
        String type,
        String role,
        String server,
        String session,
        Long afterSeq,
        int limit) {}

package dev.keyless.service.audit;

import dev.keyless.service.db.Db;
import dev.keyless.service.metrics.Sample;
import dev.keyless.service.metrics.Sampled;
import jakarta.inject.Singleton;
import java.util.List;
import java.util.Map;

/**
 * Audit events committed but not chained yet, all teams (index {@code audit_event_pending}): one
 * series that is there also when it is 0, so an alert on it never goes blind.
 */
@Singleton
final class AuditBacklogGauge implements Sampled {
    private final Db db;

    AuditBacklogGauge(Db db) {
        this.db = db;
    }

    @Override
    public List<Sample> sample() {
        long pending = db.read(AuditRepository::unchained);
        return List.of(new Sample("keyless.audit.chain.backlog", Map.of(), pending));
    }
}

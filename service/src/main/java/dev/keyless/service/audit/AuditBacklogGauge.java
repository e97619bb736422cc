package dev.keyless.service.audit;

import dev.keyless.service.db.Db;
import dev.keyless.service.metrics.Sample;
import dev.keyless.service.metrics.Sampled;
import jakarta.inject.Singleton;
import java.util.List;
import java.util.Map;

/** Audit events committed but not chained yet, by team (index {@code audit_event_pending}). */
@Singleton
final class AuditBacklogGauge implements Sampled {
    private final Db db;

    AuditBacklogGauge(Db db) {
        this.db = db;
    }

    @Override
    public List<Sample> sample() {
        return db.read(c -> Db.query(
                c,
                "SELECT team, COUNT(*) FROM audit_event WHERE seq IS NULL GROUP BY team",
                rs -> new Sample("keyless.audit.chain.backlog", Map.of("team", rs.getString(1)), rs.getLong(2))));
    }
}

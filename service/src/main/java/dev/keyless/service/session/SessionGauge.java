package dev.keyless.service.session;

import dev.keyless.service.db.Db;
import dev.keyless.service.metrics.Sample;
import dev.keyless.service.metrics.Sampled;
import jakarta.inject.Singleton;
import java.util.List;
import java.util.Map;

/**
 * Live sessions by team and state. Ended sessions are not counted: their rows are kept for the
 * audit and grow without bound; the audit's session events count those.
 */
@Singleton
final class SessionGauge implements Sampled {
    private final Db db;

    SessionGauge(Db db) {
        this.db = db;
    }

    @Override
    public List<Sample> sample() {
        return db.read(c -> Db.query(
                c,
                "SELECT team, state, COUNT(*) FROM ssh_session WHERE state IN ('PENDING', 'READY') GROUP BY team, state",
                rs -> new Sample(
                        "keyless.sessions", Map.of("team", rs.getString(1), "state", rs.getString(2)), rs.getLong(3))));
    }
}

package dev.keyless.service.session;

import dev.keyless.service.db.Db;
import dev.keyless.service.metrics.Sample;
import dev.keyless.service.metrics.Sampled;
import jakarta.inject.Singleton;
import java.util.List;

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
        return db.read(SessionRepository::liveCounts);
    }
}

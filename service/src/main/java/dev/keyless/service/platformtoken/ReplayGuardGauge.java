package dev.keyless.service.platformtoken;

import dev.keyless.service.db.Db;
import dev.keyless.service.metrics.Sample;
import dev.keyless.service.metrics.Sampled;
import jakarta.inject.Singleton;
import java.util.List;
import java.util.Map;

/** How many used platform tokens the replay guard remembers (all teams: the guard is global). */
@Singleton
final class ReplayGuardGauge implements Sampled {
    private final Db db;

    ReplayGuardGauge(Db db) {
        this.db = db;
    }

    @Override
    public List<Sample> sample() {
        long rows = db.read(ReplayGuard::entries);
        return List.of(new Sample("keyless.replay.guard.entries", Map.of(), rows));
    }
}

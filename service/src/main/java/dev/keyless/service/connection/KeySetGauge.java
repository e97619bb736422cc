package dev.keyless.service.connection;

import dev.keyless.service.metrics.Sample;
import dev.keyless.service.metrics.Sampled;
import dev.keyless.service.platformtoken.jwks.JwksHealth;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The state of each connection's key sources used since start: seconds since the last good fetch,
 * usable keys, failing. Pinned sets report no staleness (they are never fetched).
 */
@Singleton
final class KeySetGauge implements Sampled {
    private final ConnectionKeys keys;
    private final Clock clock;

    KeySetGauge(ConnectionKeys keys, Clock clock) {
        this.keys = keys;
        this.clock = clock;
    }

    @Override
    public List<Sample> sample() {
        List<Sample> out = new ArrayList<>();
        keys.allHealth().forEach((id, locations) -> {
            int slash = id.indexOf('/');
            Map<String, String> tags = Map.of("team", id.substring(0, slash), "connection", id.substring(slash + 1));
            int count = 0;
            boolean failing = false;
            java.time.Instant last = null;
            boolean remote = false;
            for (Map.Entry<String, JwksHealth> e : locations.entrySet()) {
                JwksHealth h = e.getValue();
                count += h.keyCount();
                failing |= h.lastFailure() != null
                        && (h.lastSuccess() == null || h.lastFailure().isAfter(h.lastSuccess()));
                if (!e.getKey().startsWith("pinned:")) {
                    remote = true;
                    if (h.lastSuccess() != null
                            && (last == null || h.lastSuccess().isAfter(last))) {
                        last = h.lastSuccess();
                    }
                }
            }
            out.add(new Sample("keyless.jwks.keys", tags, count));
            out.add(new Sample("keyless.jwks.failing", tags, failing ? 1 : 0));
            if (remote && last != null) {
                out.add(new Sample(
                        "keyless.jwks.staleness.seconds",
                        tags,
                        Duration.between(last, clock.instant()).toMillis() / 1000.0));
            }
        });
        return out;
    }
}

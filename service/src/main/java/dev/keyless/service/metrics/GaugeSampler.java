package dev.keyless.service.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micronaut.scheduling.annotation.Scheduled;
import jakarta.inject.Singleton;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads every {@link Sampled} source every 15 s ({@code keyless.metrics.sample-interval}) into
 * gauges. A row that is not reported again (a team's last live session ended) is removed, so a
 * stale value is never shown as current; so are the rows of a source that fails (the database is
 * down), which is logged once per outage. Each row's gauge is registered once and then only
 * updated: re-registering a removed id on every round lost rows from the Prometheus registry.
 */
@Singleton
final class GaugeSampler {
    private static final Logger LOG = LoggerFactory.getLogger(GaugeSampler.class);

    static final Map<String, String> DESCRIPTIONS = Map.of(
            "keyless.sessions", "Live sessions (PENDING, READY) by team and state",
            "keyless.replay.guard.entries", "Platform tokens remembered by the replay guard",
            "keyless.audit.chain.backlog", "Audit events committed but not yet linked into their team's chain",
            "keyless.jwks.staleness.seconds", "Seconds since the key set's last successful fetch",
            "keyless.jwks.keys", "Usable keys of the key set (0: exchanges answer jwks-unavailable)",
            "keyless.jwks.failing", "1 while the key set's last fetch failed");

    private record RowKey(String name, Map<String, String> tags) {}

    private record Row(Gauge gauge, AtomicReference<Double> value) {}

    private final List<Sampled> sources;
    private final MeterRegistry registry;
    private final Map<RowKey, Row> rows = new HashMap<>();
    private final Map<Sampled, Boolean> failing = new HashMap<>();

    GaugeSampler(List<Sampled> sources, MeterRegistry registry) {
        this.sources = sources;
        this.registry = registry;
    }

    @Scheduled(fixedDelay = "${keyless.metrics.sample-interval:15s}", initialDelay = "1s")
    synchronized void sample() {
        Set<RowKey> seen = new HashSet<>();
        for (Sampled source : sources) {
            List<Sample> samples;
            try {
                samples = source.sample();
                if (Boolean.TRUE.equals(failing.put(source, false))) {
                    LOG.info("Gauges of {} are read again", source.getClass().getSimpleName());
                }
            } catch (RuntimeException e) {
                if (!Boolean.TRUE.equals(failing.put(source, true))) {
                    LOG.warn(
                            "Gauges of {} cannot be read: {}",
                            source.getClass().getSimpleName(),
                            e.getClass().getSimpleName());
                }
                continue;
            }
            for (Sample s : samples) {
                String description = DESCRIPTIONS.get(s.name());
                if (description == null) {
                    continue;
                }
                RowKey key = new RowKey(s.name(), Map.copyOf(s.tags()));
                seen.add(key);
                rows.computeIfAbsent(key, k -> register(k, description)).value().set(s.value());
            }
        }
        rows.entrySet().removeIf(e -> {
            if (seen.contains(e.getKey())) {
                return false;
            }
            registry.remove(e.getValue().gauge());
            return true;
        });
    }

    private Row register(RowKey key, String description) {
        AtomicReference<Double> value = new AtomicReference<>(0.0);
        Tags tags = Tags.empty();
        for (Map.Entry<String, String> t : key.tags().entrySet()) {
            tags = tags.and(t.getKey(), t.getValue());
        }
        Gauge gauge = Gauge.builder(key.name(), value, AtomicReference::get)
                .description(description)
                .tags(tags)
                .strongReference(true)
                .register(registry);
        return new Row(gauge, value);
    }
}

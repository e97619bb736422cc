package dev.keyless.service.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GaugeSamplerTest {

    @Test
    void eachRoundReplacesTheRowsOfTheLast() {
        PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        CompositeMeterRegistry composite = new CompositeMeterRegistry();
        composite.add(prometheus);
        List<Sample> current = new ArrayList<>();
        GaugeSampler sampler = new GaugeSampler(List.of(() -> List.copyOf(current)), composite);

        current.add(new Sample("keyless.sessions", Map.of("team", "acme", "state", "READY"), 3));
        current.add(new Sample("keyless.sessions", Map.of("team", "beta", "state", "PENDING"), 1));
        sampler.sample();
        System.gc();
        assertThat(prometheus.scrape())
                .contains("keyless_sessions{state=\"READY\",team=\"acme\"} 3.0")
                .contains("keyless_sessions{state=\"PENDING\",team=\"beta\"} 1.0");

        current.clear();
        current.add(new Sample("keyless.sessions", Map.of("team", "acme", "state", "READY"), 5));
        sampler.sample();
        assertThat(prometheus.scrape())
                .contains("keyless_sessions{state=\"READY\",team=\"acme\"} 5.0")
                .doesNotContain("team=\"beta\"");
    }

    @Test
    void aFailingSourceReportsNothingRatherThanAStaleValue() {
        PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        boolean[] down = {false};
        GaugeSampler sampler = new GaugeSampler(
                List.of(() -> {
                    if (down[0]) {
                        throw new IllegalStateException("database down");
                    }
                    return List.of(new Sample("keyless.replay.guard.entries", Map.of(), 7));
                }),
                prometheus);
        sampler.sample();
        assertThat(prometheus.scrape()).contains("keyless_replay_guard_entries 7.0");
        down[0] = true;
        sampler.sample();
        assertThat(prometheus.scrape()).doesNotContain("keyless_replay_guard_entries 7.0");
    }
}

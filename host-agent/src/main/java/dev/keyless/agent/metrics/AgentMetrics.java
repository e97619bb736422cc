package dev.keyless.agent.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * The agent's own view of its work, under the names the service uses for the same numbers as the
 * agents report them ({@code keyless_agent_provision_seconds}, {@code
 * keyless_agent_teardown_seconds}), without the team label: a scrape of one agent is one server.
 * Thread-safe.
 */
public final class AgentMetrics {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Timer provision = timer("keyless.agent.provision", "Making a session's account ready");
    private final Timer teardown = timer("keyless.agent.teardown", "Deleting a session's account");
    private final Counter refused = Counter.builder("keyless.agent.sessions.refused")
            .description("Session events refused by the agent's own checks or failed to provision")
            .register(registry);

    public void provisioned(Duration took) {
        provision.record(took);
    }

    public void tornDown(Duration took) {
        teardown.record(took);
    }

    public void refused() {
        refused.increment();
    }

    /** Registers the gauge of sessions the agent holds; {@code count} is read on each scrape. */
    public void activeSessions(Supplier<Number> count) {
        Gauge.builder("keyless.agent.sessions.active", count)
                .description("Sessions this agent has provisioned and not torn down")
                .strongReference(true)
                .register(registry);
    }

    /** The Prometheus text format. */
    public String scrape() {
        return registry.scrape();
    }

    private Timer timer(String name, String description) {
        return Timer.builder(name)
                .description(description)
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(5))
                .maximumExpectedValue(Duration.ofMinutes(2))
                .register(registry);
    }
}

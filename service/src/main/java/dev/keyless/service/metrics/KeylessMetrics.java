package dev.keyless.service.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.inject.Singleton;
import java.time.Duration;

/**
 * What the features count. Each method takes only bounded values: a team and connection that
 * exist, a problem slug, a fixed outcome. Callers pass {@link #UNKNOWN} for a name that did not
 * match anything, so a client cannot mint label values.
 */
@Singleton
public class KeylessMetrics {
    public static final String UNKNOWN = "(unknown)";
    static final String OK = "ok";

    private final MeterRegistry registry;

    KeylessMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    /** The agents' open long polls and the descriptors they may use before new ones are refused. */
    public void agentPolls(java.util.function.Supplier<Number> open, java.util.function.Supplier<Number> capacity) {
        io.micrometer.core.instrument.Gauge.builder("keyless.agent.polls.open", open)
                .description("Agent long polls this replica holds open")
                .register(registry);
        io.micrometer.core.instrument.Gauge.builder("keyless.agent.descriptor.capacity", capacity)
                .description("File descriptors in use at which this replica refuses new agent long polls"
                        + " (RLIMIT_NOFILE minus keyless.agent.descriptor-reserve)")
                .register(registry);
    }

    /**
     * The database reads of the poll sweeper (the one thread that answers waiting agent polls), by
     * {@code kind}: {@code recheck} (the queue heads of new polls, in batches), {@code heads} (the
     * periodic pass over every queue head), {@code page} (the events of a poll that has some).
     */
    public Timer agentPollQuery(String kind) {
        return Timer.builder("keyless.agent.poll.queries")
                .description("Database reads of the agent poll sweeper, by kind")
                .tag("kind", kind)
                .register(registry);
    }

    /** One agent long poll refused near the descriptor limit ({@code agent-capacity}). */
    public void agentPollRefused() {
        Counter.builder("keyless.agent.polls.refused")
                .description("Agent long polls refused with agent-capacity to keep descriptors for workloads")
                .register(registry)
                .increment();
    }

    /** One exchange: {@code check} is the refusal's problem slug, or null when a token was issued. */
    public void exchange(String team, String connection, String check) {
        Counter.builder("keyless.exchanges")
                .description("Token exchanges by outcome; check is the refusal's problem slug")
                .tags("team", team, "connection", connection, "result", check == null ? "issued" : "refused")
                .tag("check", check == null ? OK : check)
                .register(registry)
                .increment();
    }

    /** One certificate request: {@code check} is the refusal's problem slug, or null when issued. */
    public void certificate(String team, String check) {
        Counter.builder("keyless.certificates")
                .description("Certificate requests by outcome; check is the refusal's problem slug")
                .tags("team", team, "result", check == null ? "issued" : "refused", "check", check == null ? OK : check)
                .register(registry)
                .increment();
    }

    /**
     * One secret reveal: {@code check} is the refusal's problem slug, or null when revealed. No
     * path or name label: those are unbounded, and which secrets exist is not for a scraper.
     */
    public void secretReveal(String team, String check) {
        Counter.builder("keyless.secret.reveals")
                .description("Secret reveals by outcome; check is the refusal's problem slug")
                .tags(
                        "team",
                        team,
                        "result",
                        check == null ? "revealed" : "refused",
                        "check",
                        check == null ? OK : check)
                .register(registry)
                .increment();
    }

    /** An agent's report of how long it took to make a session's account ready. */
    public void provisioned(String team, Duration took) {
        agentTimer("keyless.agent.provision", "Account provisioning as reported by the host agents", team)
                .record(took);
    }

    /** An agent's report of how long it took to delete an account. */
    public void tornDown(String team, Duration took) {
        agentTimer("keyless.agent.teardown", "Account teardown as reported by the host agents", team)
                .record(took);
    }

    private Timer agentTimer(String name, String description, String team) {
        return Timer.builder(name)
                .description(description)
                .tag("team", team)
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(5))
                .maximumExpectedValue(Duration.ofMinutes(2))
                .register(registry);
    }

    /** The time one audit event took to write (inside its transaction). */
    public void auditWrite(Duration took) {
        Timer.builder("keyless.audit.write")
                .description("Writing one audit event, inside the transaction of its change")
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofNanos(100_000))
                .maximumExpectedValue(Duration.ofSeconds(5))
                .register(registry)
                .record(took);
    }

    /** A batch an audit sink took (before the cursor moves past it). */
    public void streamBatch(String sink) {
        Counter.builder("keyless.audit.stream.batches")
                .description("Batches an audit sink acknowledged, sent by this replica")
                .tags("sink", sink)
                .register(registry)
                .increment();
    }

    /**
     * A holder that found, after a delivery, that another replica had taken the sink's lease: it
     * did not move the cursor and stopped streaming the sink.
     */
    public void streamLeaseLost(String sink) {
        Counter.builder("keyless.audit.stream.lease.lost")
                .description("Deliveries that outlasted the sink's lease; the cursor was left to the new holder")
                .tags("sink", sink)
                .register(registry)
                .increment();
    }

    /** A checkpoint not signed because the team's chain no longer extends the last one signed. */
    public void checkpointRefused(String team) {
        Counter.builder("keyless.audit.checkpoint.refused")
                .description("Checkpoints refused over a history rewritten or truncated in the database")
                .tags("team", team)
                .register(registry)
                .increment();
    }

    /** A request refused by a rate limit ({@code limit} is {@code connection} or {@code client_ip}). */
    public void rateLimited(String team, String path, String limit) {
        Counter.builder("keyless.rate.limited")
                .description("Requests refused with 429 by a rate limit")
                .tags("team", team, "path", path, "limit", limit)
                .register(registry)
                .increment();
    }

    /** One fetch of a connection's key set ({@code sourceId} is {@code team/connection}). */
    public void jwksFetch(String sourceId, boolean ok) {
        int slash = sourceId.indexOf('/');
        Counter.builder("keyless.jwks.fetches")
                .description("Fetches of connections' key sets (JWKS, discovery)")
                .tags(
                        "team", slash < 0 ? UNKNOWN : sourceId.substring(0, slash),
                        "connection", slash < 0 ? sourceId : sourceId.substring(slash + 1),
                        "result", ok ? OK : "failed")
                .register(registry)
                .increment();
    }
}

package dev.keyless.service.agent;

import dev.keyless.service.metrics.KeylessMetrics;
import io.micronaut.context.annotation.Value;
import io.micronaut.scheduling.annotation.Scheduled;
import jakarta.inject.Singleton;
import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a fleet of agents from taking the process' last file descriptors. Every agent holds one
 * connection, nearly always in a long poll; past the descriptor limit Netty's accept loop fails
 * ("Too many open files") and every new connection hangs, workload requests included. So a new
 * long poll is refused ({@link AgentCapacityException}, 503 {@code agent-capacity}, connection
 * closed) once the descriptors in use would pass {@code RLIMIT_NOFILE} minus a reserve ({@code
 * keyless.agent.descriptor-reserve}; by default a twentieth of the limit, between 256 and 4096)
 * that stays free for workloads, the database and the process itself.
 *
 * <p>Descriptors in use are counted by the kernel ({@code /proc/self/fd}) once a second, plus the
 * polls admitted since minus those ended since, so a burst of reconnecting agents cannot overshoot
 * between two counts. Thread-safe.
 */
@Singleton
final class AgentConnectionGuard {
    private static final Logger LOG = LoggerFactory.getLogger(AgentConnectionGuard.class);
    private static final long WARN_EVERY_MS = 60_000;

    private final com.sun.management.UnixOperatingSystemMXBean os;
    private final long limit;
    private final long reserve;
    private final KeylessMetrics metrics;
    private final AtomicInteger openPolls = new AtomicInteger();
    private final AtomicLong lastWarning = new AtomicLong();
    private volatile long sampledDescriptors;
    private volatile int openPollsAtSample;

    AgentConnectionGuard(@Value("${keyless.agent.descriptor-reserve:-1}") long reserve, KeylessMetrics metrics) {
        OperatingSystemMXBean bean = ManagementFactory.getOperatingSystemMXBean();
        this.os = bean instanceof com.sun.management.UnixOperatingSystemMXBean unix ? unix : null;
        this.limit = os == null ? Long.MAX_VALUE : os.getMaxFileDescriptorCount();
        this.reserve = reserve >= 0 ? reserve : Math.max(256, Math.min(4096, limit / 20));
        this.metrics = metrics;
        metrics.agentPolls(openPolls::get, this::capacity);
        sample();
        LOG.info(
                "agent long polls: up to {} file descriptors in use of the limit {} (reserve {},"
                        + " keyless.agent.descriptor-reserve)",
                capacity(),
                limit,
                this.reserve);
    }

    /** How many descriptors may be in use before new long polls are refused. */
    long capacity() {
        return Math.max(0, limit - reserve);
    }

    /** Refuses a new long poll when the descriptors in use have reached {@link #capacity()}. */
    void admit() {
        long inUse = sampledDescriptors + (openPolls.get() - openPollsAtSample);
        if (inUse >= capacity()) {
            metrics.agentPollRefused();
            long now = System.currentTimeMillis();
            long last = lastWarning.get();
            if (now - last >= WARN_EVERY_MS && lastWarning.compareAndSet(last, now)) {
                LOG.warn(
                        "refusing agent long polls (agent-capacity): about {} of {} file descriptors in use, {}"
                                + " kept for workloads; raise LimitNOFILE or add a replica",
                        inUse,
                        limit,
                        reserve);
            }
            throw new AgentCapacityException();
        }
    }

    /** Counts {@code poll} as open until it completes. */
    <T> CompletableFuture<T> track(CompletableFuture<T> poll) {
        openPolls.incrementAndGet();
        return poll.whenComplete((result, failure) -> openPolls.decrementAndGet());
    }

    @Scheduled(fixedDelay = "1s")
    void sample() {
        if (os != null) {
            int polls = openPolls.get();
            sampledDescriptors = os.getOpenFileDescriptorCount();
            openPollsAtSample = polls;
        }
    }
}

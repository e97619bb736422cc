package dev.keyless.service.workload;

import dev.keyless.protocol.ProblemType;
import dev.keyless.service.problem.KeylessException;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * At most {@link #PER_CLIENT} explain calls per team and client address in each minute, and {@link
 * #PER_TEAM} per team: explain answers anyone holding a token, so it must not serve as a fast
 * probe. Counted per replica (a deployment of N replicas allows N times as many): the limit is a
 * brake on probing, not an accounting that replicas must agree on. Thread-safe.
 */
@Singleton
final class ExplainRateLimiter {
    static final int PER_CLIENT = 10;
    static final int PER_TEAM = 120;
    private static final Duration WINDOW = Duration.ofMinutes(1);
    /** Bounds the memory a flood of client addresses can take: past it, the old windows are dropped. */
    private static final int MAX_KEYS = 10_000;

    private final Clock clock;
    private final Map<String, Window> windows = new ConcurrentHashMap<>();

    ExplainRateLimiter(Clock clock) {
        this.clock = clock;
    }

    private record Window(long start, int count) {}

    void acquire(String team, String clientIp) {
        long now = clock.millis();
        if (windows.size() > MAX_KEYS) {
            windows.values().removeIf(w -> now - w.start() >= WINDOW.toMillis());
        }
        boolean ok = take("team:" + team, now, PER_TEAM) & take("client:" + team + ":" + clientIp, now, PER_CLIENT);
        if (!ok) {
            throw new KeylessException(
                    ProblemType.RATE_LIMITED,
                    "At most " + PER_CLIENT + " explain calls per minute from one client (" + PER_TEAM + " per team)");
        }
    }

    private boolean take(String key, long now, int limit) {
        Window w = windows.compute(
                key,
                (k, old) -> old == null || now - old.start() >= WINDOW.toMillis()
                        ? new Window(now, 1)
                        : new Window(old.start(), old.count() + 1));
        return w.count() <= limit;
    }
}

package dev.keyless.service.audit.stream;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/** Exponential backoff with jitter between failed deliveries: 0.5 s, 1 s, 2 s, ... up to a ceiling. */
final class Backoff {
    private static final Duration FIRST = Duration.ofMillis(500);

    private final Duration ceiling;
    private int failures;

    Backoff(Duration ceiling) {
        this.ceiling = ceiling;
    }

    /** The pause before the next attempt: half fixed, half random, so replicas do not retry in step. */
    Duration next() {
        long base = FIRST.toMillis() << Math.min(failures, 20);
        failures++;
        long capped = Math.min(base, ceiling.toMillis());
        return Duration.ofMillis(capped / 2 + ThreadLocalRandom.current().nextLong(capped / 2 + 1));
    }

    void reset() {
        failures = 0;
    }
}

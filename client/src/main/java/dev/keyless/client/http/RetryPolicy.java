package dev.keyless.client.http;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;

/**
 * How often and how long a call is retried: at most {@code maxAttempts} attempts, never past {@code
 * maxTotal} since the first attempt, waiting an exponentially growing, jittered delay between
 * attempts ("equal jitter": half fixed, half random, capped at {@code maxBackoff}). A {@code
 * Retry-After} from the service replaces the computed delay (RFC 9110 section 10.2.3) but never
 * extends the total budget. Immutable and thread-safe.
 */
public record RetryPolicy(int maxAttempts, Duration initialBackoff, Duration maxBackoff, Duration maxTotal) {

    /** Four attempts within 30 seconds, starting at 250 ms: enough to ride out a rolling restart. */
    public static final RetryPolicy DEFAULT =
            new RetryPolicy(4, Duration.ofMillis(250), Duration.ofSeconds(4), Duration.ofSeconds(30));

    /** One attempt: for calls that must not be repeated or must finish fast. */
    public static final RetryPolicy NONE = new RetryPolicy(1, Duration.ZERO, Duration.ZERO, Duration.ofSeconds(30));

    public RetryPolicy {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1");
        }
        Objects.requireNonNull(initialBackoff, "initialBackoff");
        Objects.requireNonNull(maxBackoff, "maxBackoff");
        Objects.requireNonNull(maxTotal, "maxTotal");
    }

    /** Whether an HTTP status is worth another attempt: 429 and 5xx only, never another 4xx. */
    public static boolean retryableStatus(int status) {
        return status == 429 || status >= 500;
    }

    /** The delay before attempt {@code attempt + 1}, where {@code attempt} counts from 1. */
    public Duration backoff(int attempt) {
        long base = initialBackoff.toMillis() << Math.min(attempt - 1, 20);
        long capped = Math.min(Math.max(base, 0), maxBackoff.toMillis());
        long half = capped / 2;
        return Duration.ofMillis(half + (half > 0 ? ThreadLocalRandom.current().nextLong(half + 1) : 0));
    }
}

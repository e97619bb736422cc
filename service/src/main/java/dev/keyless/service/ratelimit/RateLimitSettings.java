package dev.keyless.service.ratelimit;

/**
 * A team's limits on {@code POST /workload/authenticate}, in requests per minute and replica; 0
 * means no limit.
 */
public record RateLimitSettings(int perConnection, int perClientIp) {
    static final int MAX = 1_000_000;
}

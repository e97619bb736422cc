package dev.keyless.service.ratelimit;

import dev.keyless.protocol.ProblemType;
import dev.keyless.service.problem.KeylessException;
import java.time.Duration;

/** 429 {@code rate-limited}, with the seconds until the limit lets a request through. */
final class RateLimitedException extends KeylessException {
    private static final long serialVersionUID = 1L;

    private final Duration retryAfter;

    RateLimitedException(String limit, Duration retryAfter) {
        super(ProblemType.RATE_LIMITED, "The " + limit + " rate limit of this team is exhausted");
        this.retryAfter = Duration.ofSeconds(Math.max(1, (retryAfter.toMillis() + 999) / 1000));
    }

    @Override
    public Duration retryAfter() {
        return retryAfter;
    }
}

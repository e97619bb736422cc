package dev.keyless.service.db;

import dev.keyless.protocol.ProblemType;
import dev.keyless.service.problem.KeylessException;
import java.time.Duration;

/**
 * The database could not serve the request in time: unreachable, not ready, or conflicts that
 * outlasted the retries. Answered 503 with {@code Retry-After}: the request changed nothing and
 * the same request may simply be sent again.
 */
public final class DatabaseUnavailableException extends KeylessException {
    private static final long serialVersionUID = 1L;
    static final Duration RETRY_AFTER = Duration.ofSeconds(2);

    DatabaseUnavailableException(String detail) {
        super(ProblemType.UNAVAILABLE, detail);
    }

    @Override
    public Duration retryAfter() {
        return RETRY_AFTER;
    }
}

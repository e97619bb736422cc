package dev.keyless.service.agent;

import dev.keyless.protocol.ProblemType;
import dev.keyless.service.problem.KeylessException;
import java.time.Duration;

/**
 * 503 {@code agent-capacity}: a long poll refused near the descriptor limit. The answer closes its
 * connection, so the refused agent's descriptor is freed at once; agents retry with backoff.
 */
final class AgentCapacityException extends KeylessException {
    private static final long serialVersionUID = 1L;
    private static final Duration RETRY_AFTER = Duration.ofSeconds(30);

    AgentCapacityException() {
        super(
                ProblemType.AGENT_CAPACITY,
                "This replica keeps its remaining file descriptors for workload requests; the agent retries later"
                        + " or another replica takes it");
    }

    @Override
    public Duration retryAfter() {
        return RETRY_AFTER;
    }

    @Override
    public boolean closesConnection() {
        return true;
    }
}

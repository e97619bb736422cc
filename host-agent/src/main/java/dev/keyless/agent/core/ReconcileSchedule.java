package dev.keyless.agent.core;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Random;

/**
 * Decides, after each long-poll answer, whether the agent asks the service for its live sessions
 * ({@code GET /agents/sessions}). The answer carries the digest of the sessions the service holds
 * live on this server; the agent asks when that digest differs from the one of its own sessions
 * (but against exactly the pair it last reconciled against only after {@link #RETRY_SAME}: a session
 * the service still lists but the agent refused, say, is not worth a call on every answer, and a
 * session the reconciler kept for its grace period is looked at again once that has passed), on
 * the first answer after the
 * poll failed (a reconnect), and otherwise once every {@code fullEvery} with ±20% jitter, so that
 * a fleet restarted at once does not reconcile in step. Not thread-safe: the poller owns it.
 */
final class ReconcileSchedule {
    /** Why a reconcile is due, or {@link #NONE}. */
    enum Reason {
        NONE,
        DIGEST_DIFFERS,
        RECONNECTED,
        PERIODIC
    }

    static final Duration RETRY_SAME = Reconciler.GRACE.plusSeconds(5);

    private final Duration fullEvery;
    private final Clock clock;
    private final Random random;
    private boolean reconnected;
    private String reconciledService;
    private String reconciledLocal;
    private Instant reconciledAt = Instant.MIN;
    private Instant nextFull;

    ReconcileSchedule(Duration fullEvery, Clock clock, Random random) {
        this.fullEvery = fullEvery;
        this.clock = clock;
        this.random = random;
        this.nextFull = next();
    }

    /** A poll failed: the next answer is the first over a new connection. */
    void reconnected() {
        reconnected = true;
    }

    Reason due(String serviceDigest, String localDigest) {
        if (reconnected) {
            return Reason.RECONNECTED;
        }
        Instant now = clock.instant();
        boolean samePair = serviceDigest.equals(reconciledService) && localDigest.equals(reconciledLocal);
        if (!serviceDigest.equals(localDigest) && (!samePair || !now.isBefore(reconciledAt.plus(RETRY_SAME)))) {
            return Reason.DIGEST_DIFFERS;
        }
        return now.isBefore(nextFull) ? Reason.NONE : Reason.PERIODIC;
    }

    /**
     * A reconcile ran against an answer with {@code serviceDigest} (null: not from an answer, as at
     * start) and left the agent's sessions at {@code localDigest}.
     */
    void reconciled(String serviceDigest, String localDigest) {
        reconnected = false;
        reconciledService = serviceDigest;
        reconciledLocal = Objects.requireNonNull(localDigest);
        reconciledAt = clock.instant();
        nextFull = next();
    }

    private Instant next() {
        double factor = 0.8 + 0.4 * random.nextDouble();
        return clock.instant().plusMillis((long) (fullEvery.toMillis() * factor));
    }
}

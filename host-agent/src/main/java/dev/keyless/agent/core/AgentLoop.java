package dev.keyless.agent.core;

import dev.keyless.agent.api.AgentApi;
import dev.keyless.agent.api.AgentApiException;
import dev.keyless.agent.state.AgentState;
import dev.keyless.agent.state.StateStore;
import dev.keyless.protocol.AgentRequests.EventBatch;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The daemon: one thread long-polls for events (reconnecting with capped, jittered backoff), one
 * ticks every second for expiry and host certificate renewal. Both act through the synchronized
 * {@link SessionManager}.
 *
 * <p>Reconciling with the service's live sessions rides on the long poll: each answer carries the
 * digest of the sessions the service holds live here and the host CA keys, and the poller calls
 * {@code GET /agents/sessions} itself, on the connection the poll just freed, only when {@link
 * ReconcileSchedule} says so (digest differs, reconnect, or every {@code fullReconcileEvery} with
 * jitter). So an agent holds one connection to the service, not two. A service whose answers carry
 * no digest (older than the agent) is reconciled with as before: every {@code reconcileEvery}, from
 * the ticker.
 */
public final class AgentLoop implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(AgentLoop.class.getName());
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);

    private final SessionManager sessions;
    private final HostCertificateRenewal renewal;
    private final AgentApi api;
    private final StateStore store;
    private final AgentState state;
    private final Clock clock;
    private final Duration wait;
    private final Duration reconcileEvery;
    private final ReconcileSchedule schedule;
    private final AtomicBoolean running = new AtomicBoolean();
    /** Set once an answer without a digest came: the service predates reconciling over the poll. */
    private volatile boolean legacyService;

    private Thread poller;
    private Thread ticker;

    /**
     * Timings; tests shorten them. {@code reconcileEvery} is the reconcile cadence against a service
     * that sends no live-session digest; {@code fullReconcileEvery} (±20% jitter) the safety-net
     * reconcile against one that does.
     */
    public record Timings(Duration longPollWait, Duration reconcileEvery, Duration fullReconcileEvery) {
        public static final Duration DEFAULT_FULL_RECONCILE = Duration.ofMinutes(10);
        public static final Timings DEFAULT =
                new Timings(Duration.ofSeconds(25), Duration.ofSeconds(5), DEFAULT_FULL_RECONCILE);

        public Timings(Duration longPollWait, Duration reconcileEvery) {
            this(longPollWait, reconcileEvery, DEFAULT_FULL_RECONCILE);
        }
    }

    public AgentLoop(
            SessionManager sessions,
            HostCertificateRenewal renewal,
            AgentApi api,
            StateStore store,
            AgentState state,
            Clock clock,
            Timings timings) {
        this.sessions = sessions;
        this.renewal = renewal;
        this.api = api;
        this.store = store;
        this.state = state;
        this.clock = clock;
        this.wait = timings.longPollWait();
        this.reconcileEvery = timings.reconcileEvery();
        this.schedule = new ReconcileSchedule(timings.fullReconcileEvery(), clock, new java.security.SecureRandom());
    }

    /** Installs sshd trust, reconciles once (when the service answers), then starts both threads. */
    public void start() {
        sessions.installTrust();
        sessions.expireDue();
        if (reconcileOnce(true)) {
            schedule.reconciled(null, sessions.liveDigest());
        } else {
            schedule.reconnected();
        }
        running.set(true);
        poller = new Thread(this::poll, "keyless-poller");
        ticker = new Thread(this::tick, "keyless-reconciler");
        poller.start();
        ticker.start();
    }

    private void poll() {
        Duration backoff = Duration.ofSeconds(1);
        while (running.get()) {
            try {
                EventBatch batch = api.events(state.lastSeq, wait);
                markContact();
                if (batch != null) {
                    sessions.apply(batch);
                    reconcileAfter(batch);
                }
                backoff = Duration.ofSeconds(1);
            } catch (RuntimeException e) {
                if (!running.get()) {
                    return;
                }
                schedule.reconnected();
                String why = e instanceof AgentApiException ? e.getMessage() : e.toString();
                LOG.log(Level.WARNING, "event poll failed ({0}); retrying in {1} ms", why, backoff.toMillis());
                sleep(backoff.plusMillis(ThreadLocalRandom.current().nextLong(250)));
                backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
            }
        }
    }

    private void tick() {
        long ticks = 0;
        long reconcileTicks = Math.max(1, reconcileEvery.toSeconds());
        while (running.get()) {
            sleep(Duration.ofSeconds(1));
            try {
                sessions.expireDue();
                renewHostCertificate();
                if (++ticks % reconcileTicks == 0) {
                    if (legacyService) {
                        reconcileOnce(true);
                    }
                    sessions.pruneRevoked();
                }
            } catch (RuntimeException e) {
                LOG.log(Level.ERROR, "reconciler tick failed", e);
            }
        }
    }

    private void renewHostCertificate() {
        if (!clock.instant().isBefore(renewal.due())) {
            synchronized (sessions) { // sshd reloads never interleave with the session manager's
                renewal.renewIfDue();
            }
        }
    }

    /** On the poller thread, after an answer was applied: reconciles if the schedule says so. */
    private void reconcileAfter(EventBatch batch) {
        String digest = batch.liveSessionsDigest();
        if (digest == null) {
            legacyService = true; // the ticker reconciles, and reads the host CA keys, as before
            return;
        }
        legacyService = false;
        renewal.hostCaKeys(batch.hostCaPublicKeys());
        ReconcileSchedule.Reason reason = schedule.due(digest, sessions.liveDigest());
        if (reason == ReconcileSchedule.Reason.NONE) {
            return;
        }
        LOG.log(Level.DEBUG, "reconciling with the service ({0})", reason);
        if (reconcileOnce(false)) {
            schedule.reconciled(digest, sessions.liveDigest());
        }
    }

    /** Reconciles with the service's live sessions; true if it could read them. */
    private boolean reconcileOnce(boolean readHostCaKeys) {
        boolean done = false;
        try {
            var live = api.liveSessions();
            markContact();
            sessions.reconcile(live == null || live.sessions() == null ? java.util.List.of() : live.sessions());
            done = true;
        } catch (AgentApiException e) {
            LOG.log(Level.WARNING, "could not reconcile: {0}", e.getMessage());
        }
        if (readHostCaKeys) {
            try {
                renewal.hostCaKeys(api.hostCaKeys());
            } catch (AgentApiException e) {
                LOG.log(Level.WARNING, "could not read the host CA keys: {0}", e.getMessage());
            }
        }
        return done;
    }

    private void markContact() {
        synchronized (sessions) {
            state.lastContact = clock.instant();
            store.save(state);
        }
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Stops both threads; in-flight long polls are interrupted. */
    @Override
    public void close() {
        running.set(false);
        for (Thread thread : new Thread[] {poller, ticker}) {
            if (thread != null) {
                thread.interrupt();
                try {
                    thread.join(5_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    /** Blocks until the threads end (the daemon's main thread). */
    public void await() throws InterruptedException {
        poller.join();
        ticker.join();
    }
}

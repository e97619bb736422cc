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
 * ticks every second for expiry and host certificate renewal and, every {@code reconcileEvery},
 * reconciles with the service's live sessions. Both act through the synchronized {@link SessionManager}.
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
    private final AtomicBoolean running = new AtomicBoolean();
    private Thread poller;
    private Thread ticker;

    /** Timings; tests shorten them. */
    public record Timings(Duration longPollWait, Duration reconcileEvery) {
        public static final Timings DEFAULT = new Timings(Duration.ofSeconds(25), Duration.ofSeconds(5));
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
    }

    /** Installs sshd trust, reconciles once (when the service answers), then starts both threads. */
    public void start() {
        sessions.installTrust();
        sessions.expireDue();
        reconcileOnce();
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
                }
                backoff = Duration.ofSeconds(1);
            } catch (RuntimeException e) {
                if (!running.get()) {
                    return;
                }
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
                    reconcileOnce();
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

    private void reconcileOnce() {
        try {
            var live = api.liveSessions();
            markContact();
            sessions.reconcile(live == null || live.sessions() == null ? java.util.List.of() : live.sessions());
        } catch (AgentApiException e) {
            LOG.log(Level.WARNING, "could not reconcile: {0}", e.getMessage());
        }
        try {
            renewal.hostCaKeys(api.hostCaKeys());
        } catch (AgentApiException e) {
            LOG.log(Level.WARNING, "could not read the host CA keys: {0}", e.getMessage());
        }
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

package dev.keyless.agent.core;

import dev.keyless.agent.api.AgentApi;
import dev.keyless.agent.api.AgentApiException;
import dev.keyless.agent.metrics.AgentMetrics;
import dev.keyless.agent.safety.SessionRejectedException;
import dev.keyless.agent.safety.SessionVerifier;
import dev.keyless.agent.safety.VerifiedSession;
import dev.keyless.agent.state.AgentState;
import dev.keyless.agent.state.AgentState.LocalSession;
import dev.keyless.agent.state.StateStore;
import dev.keyless.protocol.AgentRequests;
import dev.keyless.protocol.AgentRequests.AgentEvent;
import dev.keyless.protocol.AgentRequests.AgentSession;
import dev.keyless.protocol.AgentRequests.Ended;
import dev.keyless.protocol.AgentRequests.EventBatch;
import dev.keyless.protocol.AgentRequests.Failed;
import dev.keyless.protocol.AgentRequests.Ready;
import dev.keyless.protocol.LiveSessionsDigest;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Applies the service's events to the host: provisions on {@code session.start}, tears down on
 * {@code session.end}, expiry and revocation, and keeps sshd's CA keys and KRL current. All
 * public methods are synchronized: the poller and the reconciler never interleave host changes.
 */
public final class SessionManager {
    private static final System.Logger LOG = System.getLogger(SessionManager.class.getName());
    private static final Pattern SERIAL = Pattern.compile("[0-9]{1,20}");
    /** A revoked serial stays in the KRL this long after it was last seen (certificates live minutes). */
    private static final Duration REVOKED_RETENTION = Duration.ofHours(24);

    private final Host host;
    private final AgentApi api;
    private final StateStore store;
    private final AgentState state;
    private final Clock clock;
    private final Teardown teardown;
    private final AgentMetrics metrics;

    public SessionManager(Host host, AgentApi api, StateStore store, AgentState state, Clock clock) {
        this(host, api, store, state, clock, new AgentMetrics());
    }

    public SessionManager(
            Host host, AgentApi api, StateStore store, AgentState state, Clock clock, AgentMetrics metrics) {
        this.metrics = metrics;
        metrics.activeSessions(() -> state.sessions.size());
        this.host = host;
        this.api = api;
        this.store = store;
        this.state = state;
        this.clock = clock;
        this.teardown = new Teardown(host, state);
    }

    /** Installs the sshd drop-in, CA keys and KRL from the saved state. */
    public synchronized void installTrust() {
        host.trust().install(state.userCaKeys, state.revoked.keySet());
    }

    /** Applies one long-poll answer: CA keys, revoked serials, then events in order. */
    public synchronized void apply(EventBatch batch) {
        if (batch.userCaPublicKeys() != null
                && !batch.userCaPublicKeys().isEmpty()
                && !batch.userCaPublicKeys().equals(state.userCaKeys)) {
            host.trust().updateUserCaKeys(batch.userCaPublicKeys(), state.revoked.keySet());
            state.userCaKeys = new ArrayList<>(batch.userCaPublicKeys());
            store.save(state);
        }
        if (batch.revokedSerials() != null) {
            revoke(batch.revokedSerials());
        }
        List<AgentEvent> events = batch.events() == null ? List.of() : new ArrayList<>(batch.events());
        events.sort(Comparator.comparingLong(AgentEvent::seq));
        // The position is saved once per answer, not per event: with 50 sessions starting at once an
        // fsync per event was a fifth of each session's time on this (single) thread. Provisioning
        // and teardown still save before they report. A crash before this save replays the answer's
        // events, which both handlers take as replays: start reports ready again for a session it
        // holds, end of a session it no longer holds removes only its sudoers file.
        boolean advanced = false;
        try {
            for (AgentEvent event : events) {
                if (event.seq() <= state.lastSeq) {
                    continue;
                }
                handle(event);
                state.lastSeq = event.seq();
                advanced = true;
            }
        } finally {
            if (advanced) {
                store.save(state);
            }
        }
    }

    private void handle(AgentEvent event) {
        if (AgentRequests.SESSION_START.equals(event.type())) {
            start(event.session());
        } else if (AgentRequests.SESSION_END.equals(event.type())) {
            end(event.session());
        } else {
            LOG.log(Level.WARNING, "ignoring event {0} of an unknown type", event.seq());
        }
    }

    /** Provisions a session and reports ready, or reports failed with the reason. */
    public synchronized void start(AgentSession session) {
        VerifiedSession verified;
        try {
            verified = SessionVerifier.verify(session);
        } catch (SessionRejectedException e) {
            refuse(session, e.reason());
            return;
        }
        String id = verified.id();
        if (state.sessions.containsKey(id)) {
            report(() -> api.ready(id, new Ready(false, 0))); // a replayed event: already provisioned
            return;
        }
        if (!verified.validBefore().isAfter(clock.instant())) {
            refuse(session, "valid_before: already passed");
            return;
        }
        if (state.revoked.containsKey(verified.serial())) {
            refuse(session, "serial: revoked");
            return;
        }
        long started = System.nanoTime();
        boolean created;
        try {
            created = provision(verified);
        } catch (RuntimeException e) {
            LOG.log(Level.ERROR, "provisioning session " + id + " failed", e);
            teardown.undo(verified);
            refuse(session, "provisioning failed: " + shorten(e.getMessage()));
            return;
        }
        long millis = Duration.ofNanos(System.nanoTime() - started).toMillis();
        LOG.log(Level.INFO, "session {0} ready for {1} in {2} ms", id, verified.principal(), millis);
        metrics.provisioned(Duration.ofMillis(millis));
        report(() -> api.ready(id, new Ready(created, millis)));
    }

    private boolean provision(VerifiedSession session) {
        boolean created = false;
        String user = session.principal();
        if (!host.accounts().exists(user)) {
            int uid = new UidAllocator(host, state).uidFor(session.role());
            host.accounts().create(user, uid, "Keyless session " + session.id());
            created = true;
        }
        host.trust().writePrincipals(user, session.principal());
        host.sudoers().install(session.id(), session.role(), session.sudo());
        state.sessions.put(
                session.id(),
                new LocalSession(session.role(), user, session.serial(), session.validBefore(), clock.instant()));
        store.save(state);
        return created;
    }

    /** Ends a session (closed, expired or revoked) as the service reports it. */
    public synchronized void end(AgentSession session) {
        if (session == null || !SessionVerifier.isSessionId(session.id())) {
            LOG.log(Level.WARNING, "ignoring session.end with an invalid session id");
            return;
        }
        // Closed, expired or revoked: sshd refuses the certificate before teardown starts, since
        // the account and its principals entry stay while another session of the role is live.
        String serial = session.serial();
        LocalSession local = state.sessions.get(session.id());
        if (serial == null && local != null) {
            serial = local.serial();
        }
        if (serial != null) {
            revoke(List.of(serial)); // ends the local session with that serial
        }
        if (local == null || state.sessions.containsKey(session.id())) {
            finish(session.id());
        }
    }

    /** Tears down every session whose certificate has expired, even with the service unreachable. */
    public synchronized void expireDue() {
        Instant now = clock.instant();
        for (Map.Entry<String, LocalSession> entry : List.copyOf(state.sessions.entrySet())) {
            if (!entry.getValue().validBefore().isAfter(now)) {
                LOG.log(Level.INFO, "session {0} expired", entry.getKey());
                revoke(List.of(entry.getValue().serial()));
                if (state.sessions.containsKey(entry.getKey())) {
                    finish(entry.getKey());
                }
            }
        }
    }

    /** Adds serials to the KRL and ends the live sessions that use them. */
    public synchronized void revoke(List<String> serials) {
        Instant keepUntil = clock.instant().plus(REVOKED_RETENTION);
        boolean changed = false;
        for (String serial : serials) {
            if (serial == null || !SERIAL.matcher(serial).matches()) {
                LOG.log(Level.WARNING, "ignoring a revoked serial that is not a decimal number");
                continue;
            }
            changed |= state.revoked.put(serial, keepUntil) == null;
        }
        if (!changed) {
            return;
        }
        store.save(state);
        host.trust().updateRevokedSerials(state.revoked.keySet());
        for (Map.Entry<String, LocalSession> entry : List.copyOf(state.sessions.entrySet())) {
            if (state.revoked.containsKey(entry.getValue().serial())) {
                LOG.log(Level.INFO, "session {0} revoked", entry.getKey());
                finish(entry.getKey());
            }
        }
    }

    /** Drops KRL entries past their retention. */
    public synchronized void pruneRevoked() {
        Instant now = clock.instant();
        if (state.revoked.values().removeIf(until -> until.isBefore(now))) {
            store.save(state);
            host.trust().updateRevokedSerials(state.revoked.keySet());
        }
    }

    /** The {@link LiveSessionsDigest} of the sessions this agent holds, to compare with the service's. */
    public synchronized String liveDigest() {
        return LiveSessionsDigest.of(state.sessions.keySet());
    }

    /** Compares the host with the service's live sessions and removes what has none. */
    public synchronized void reconcile(List<AgentSession> live) {
        new Reconciler(host, state, clock, this::finish).reconcile(live);
        store.save(state);
    }

    private void finish(String id) {
        Teardown.Result result;
        try {
            result = teardown.end(id);
        } catch (RuntimeException e) {
            // The session stays in the state, so expiry and the reconciler try again.
            LOG.log(Level.ERROR, "tearing down session " + id + " failed", e);
            return;
        }
        store.save(state);
        if (result.accountDeleted()) {
            metrics.tornDown(Duration.ofMillis(result.millis()));
        }
        report(() -> api.ended(id, new Ended(result.accountDeleted(), result.millis())));
    }

    private void refuse(AgentSession session, String reason) {
        metrics.refused();
        LOG.log(Level.WARNING, "refusing a session: {0}", reason);
        if (session != null && SessionVerifier.isSessionId(session.id())) {
            // Bounded as a whole: the service keeps at most 200 printable characters of a reason.
            report(() -> api.failed(session.id(), new Failed(shorten(reason))));
        }
    }

    private static void report(Runnable call) {
        try {
            call.run();
        } catch (AgentApiException e) {
            LOG.log(Level.WARNING, "could not report to the service: {0}", e.getMessage());
        }
    }

    private static String shorten(String message) {
        String text = message == null ? "unknown error" : message.replaceAll("[^ -~]", " ");
        return text.length() > 200 ? text.substring(0, 200) : text;
    }
}

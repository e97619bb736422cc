package dev.keyless.service.session;

import static dev.keyless.protocol.AdminRole.SECURITY_ADMIN;

import dev.keyless.protocol.AdminRole;
import dev.keyless.protocol.AgentRequests.AgentSession;
import dev.keyless.protocol.AuditEventType;
import dev.keyless.protocol.LiveSessionsDigest;
import dev.keyless.protocol.ProblemType;
import dev.keyless.protocol.SessionState;
import dev.keyless.protocol.WorkloadRequests.SessionView;
import dev.keyless.service.audit.AuditEntry;
import dev.keyless.service.audit.AuditService;
import dev.keyless.service.caller.AdminPrincipal;
import dev.keyless.service.db.Db;
import dev.keyless.service.problem.KeylessException;
import dev.keyless.service.workload.WorkloadPrincipal;
import io.micronaut.scheduling.annotation.Scheduled;
import jakarta.inject.Singleton;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The lifecycle of sessions after their certificate was issued: reading (optionally waiting for
 * provisioning), closing, revoking, and the transitions the server's agent reports.
 */
@Singleton
public class SessionService {
    static final Duration MAX_WAIT = Duration.ofSeconds(60);
    /** How long an ended session's serial stays in the KRL past its certificate's end. */
    static final Duration KRL_MARGIN = Duration.ofMinutes(10);

    private static final Duration POLL = Duration.ofMillis(50);

    private final Db db;
    private final Clock clock;
    private final AuditService audit;
    private final SessionAgents agents;
    /** Wakes waiters on this replica at once; waiters elsewhere see the change on their next poll. */
    private final Object provisioned = new Object();

    SessionService(Db db, Clock clock, AuditService audit, SessionAgents agents) {
        this.db = db;
        this.clock = clock;
        this.audit = audit;
        this.agents = agents;
    }

    /** The session, after waiting up to {@code wait} for it to leave {@code PENDING}. */
    public SessionView get(WorkloadPrincipal who, String sessionId, Duration wait) {
        own(who, sessionId);
        if (!wait.isZero()) {
            awaitProvisioning(who.team(), sessionId, min(wait, MAX_WAIT));
        }
        return own(who, sessionId).view(clock.instant());
    }

    /** Waits until the agent has provisioned (or refused) the session, or the wait is over. */
    SessionState awaitProvisioning(String team, String sessionId, Duration wait) {
        Instant deadline = clock.instant().plus(wait);
        while (true) {
            SshSession s = db.read(c -> SessionRepository.find(c, team, sessionId, false))
                    .orElseThrow();
            SessionState state = s.stateAt(clock.instant());
            if (state != SessionState.PENDING || !clock.instant().isBefore(deadline)) {
                return state;
            }
            synchronized (provisioned) {
                try {
                    provisioned.wait(POLL.toMillis());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return state;
                }
            }
        }
    }

    /** Ends the session; closing an ended session is a no-op that returns its final state. */
    public SessionView close(WorkloadPrincipal who, String sessionId) {
        own(who, sessionId);
        db.write(c -> {
            Optional<SshSession> closed =
                    endLocked(c, who.team(), sessionId, SessionState.CLOSED, "closed by workload");
            closed.ifPresent(ended -> audit.record(AuditEntry.of(who.team(), AuditEventType.SESSION_CLOSE)
                    .actor("workload", who.subject())
                    .connection(who.connection())
                    .role(who.role())
                    .subject(who.subject())
                    .server(ended.server())
                    .session(ended.id())
                    .serial(ended.serial())
                    .sessionDuration(Duration.between(ended.createdAt(), clock.instant()))));
            return null;
        });
        return own(who, sessionId).view(clock.instant());
    }

    /** A security admin revokes one session: its serial joins the KRL and the agent ends it. */
    public SessionView revoke(AdminPrincipal by, String sessionId) {
        by.require(SECURITY_ADMIN);
        SshSession s = db.read(c -> SessionRepository.find(c, by.team(), checkId(sessionId), false))
                .orElseThrow(() -> new KeylessException(ProblemType.NOT_FOUND, "No such session"));
        revoke(s, "revoked by admin " + by.name(), "admin", by.name());
        return db.read(c -> SessionRepository.find(c, by.team(), s.id(), false))
                .orElseThrow()
                .view(clock.instant());
    }

    /** Revokes every live session of a role; returns how many were revoked. */
    public int revokeRole(AdminPrincipal by, String role) {
        by.require(SECURITY_ADMIN);
        List<SshSession> live = db.read(c -> SessionRepository.live(c, by.team(), clock.instant())).stream()
                .filter(s -> s.role().equals(role))
                .toList();
        live.forEach(s -> revoke(s, "role revoked by admin " + by.name(), "admin", by.name()));
        return live.size();
    }

    /** Revokes a session whose access a policy change removed. */
    public void revokeForPolicyChange(SshSession s) {
        revoke(s, "policy no longer grants this role access to the server", "system", "policy");
    }

    /**
     * The team's live sessions for an admin, optionally only those of one role and/or server
     * (security and devops admins and auditors: who is on which server is operational, not secret).
     */
    public List<SessionView> listLive(AdminPrincipal by, String role, String server) {
        by.require(SECURITY_ADMIN, AdminRole.DEVOPS_ADMIN, AdminRole.AUDITOR);
        Instant now = clock.instant();
        return live(by.team()).stream()
                .filter(s -> role == null || s.role().equals(role))
                .filter(s -> server == null || s.server().equals(server))
                .map(s -> s.view(now))
                .toList();
    }

    /** The team's live sessions, for re-evaluation after a policy change. */
    public List<SshSession> live(String team) {
        return db.read(c -> SessionRepository.live(c, team, clock.instant()));
    }

    private void revoke(SshSession s, String reason, String actorType, String actorId) {
        db.write(c -> {
            if (endLocked(c, s.team(), s.id(), SessionState.REVOKED, reason).isPresent()) {
                audit.record(AuditEntry.of(s.team(), AuditEventType.SESSION_REVOKE)
                        .actor(actorType, actorId)
                        .connection(s.connection())
                        .role(s.role())
                        .subject(s.subject())
                        .server(s.server())
                        .session(s.id())
                        .serial(s.serial())
                        .sessionDuration(Duration.between(s.createdAt(), clock.instant()))
                        .detail("reason", reason));
            }
            return null;
        });
    }

    /** Revokes every live session of a role that was deleted or whose definition changed. */
    void revokeRole(String team, String role, String reason, String admin) {
        live(team).stream().filter(s -> s.role().equals(role)).forEach(s -> revoke(s, reason, "admin", admin));
    }

    /** Revokes every live session issued under a connection that was deactivated or deleted. */
    void revokeConnection(String team, String connection, String reason, String admin) {
        live(team).stream()
                .filter(s -> s.connection().equals(connection))
                .forEach(s -> revoke(s, reason, "admin", admin));
    }

    /**
     * Records every session whose certificate's end has passed as {@code EXPIRED}, so its agent
     * tears it down even if the host's clock lags, and its serial joins the KRL. Idempotent across
     * replicas: the row lock and the recorded state make a second sweep a no-op.
     */
    @Scheduled(fixedDelay = "${keyless.session.expiry-sweep:10s}", initialDelay = "${keyless.session.expiry-sweep:10s}")
    void sweepExpired() {
        Instant now = clock.instant();
        List<SshSession> due = db.read(c -> SessionRepository.expiredButLive(c, now));
        for (SshSession s : due) {
            db.write(c -> {
                SshSession current =
                        SessionRepository.find(c, s.team(), s.id(), true).orElseThrow();
                if (current.state().isFinal()) {
                    return null;
                }
                finish(c, current, SessionState.EXPIRED, current.validBefore(), "certificate expired");
                audit.record(AuditEntry.of(s.team(), AuditEventType.SESSION_EXPIRE)
                        .actor("system", "expiry")
                        .connection(s.connection())
                        .role(s.role())
                        .subject(s.subject())
                        .server(s.server())
                        .session(s.id())
                        .serial(s.serial())
                        .sessionDuration(Duration.between(current.createdAt(), current.validBefore())));
                return null;
            });
        }
    }

    /** Moves a live session to a final state and tells its agent; empty if it had ended already. */
    private Optional<SshSession> endLocked(Connection c, String team, String id, SessionState state, String reason)
            throws SQLException {
        SshSession s = SessionRepository.find(c, team, id, true).orElseThrow();
        SessionState current = s.stateAt(clock.instant());
        if (current.isFinal()) {
            if (current != s.state()) {
                finish(c, s, current, s.validBefore(), "certificate expired");
            }
            return Optional.empty();
        }
        finish(c, s, state, clock.instant(), reason);
        return Optional.of(s);
    }

    /** Records the final state, puts the serial into the KRL and tells the session's agent. */
    private void finish(Connection c, SshSession s, SessionState state, Instant at, String reason) throws SQLException {
        SessionRepository.end(c, s.id(), state, at, reason);
        refuseCertificate(c, s);
        agents.ended(c, s);
    }

    /**
     * However a session ends, sshd must refuse its certificate at once: the {@code wl_} account and
     * its principals entry live on while another session of the role is live on that server (or on
     * any server, since the certificate names only the role). The entry outlives the certificate by
     * {@link #KRL_MARGIN} for hosts whose clock lags the service's.
     */
    private void refuseCertificate(Connection c, SshSession s) throws SQLException {
        SessionRepository.revokeSerial(c, s, clock.instant(), s.validBefore().plus(KRL_MARGIN));
    }

    /** The agent of the session's server provisioned it. */
    public boolean markReady(String team, String server, String sessionId) {
        boolean changed = db.write(c -> {
            Optional<SshSession> s = SessionRepository.find(c, team, checkId(sessionId), true)
                    .filter(x -> x.server().equals(server));
            if (s.isEmpty()) {
                throw new KeylessException(ProblemType.NOT_FOUND, "No such session on this server");
            }
            if (s.get().state() != SessionState.PENDING) {
                return false;
            }
            SessionRepository.setState(c, s.get().id(), SessionState.READY);
            return true;
        });
        db.afterCommit(this::wakeWaiters);
        return changed;
    }

    /** The agent could not provision the session; it ends with the agent's reason. */
    public boolean markFailed(String team, String server, String sessionId, String reason) {
        boolean changed = db.write(c -> {
            SshSession s = SessionRepository.find(c, team, checkId(sessionId), true)
                    .filter(x -> x.server().equals(server))
                    .orElseThrow(() -> new KeylessException(ProblemType.NOT_FOUND, "No such session on this server"));
            if (s.state().isFinal()) {
                return false;
            }
            SessionRepository.end(c, s.id(), SessionState.CLOSED, clock.instant(), "provisioning failed: " + reason);
            // The workload holds the certificate; another live session of the role would let it in.
            refuseCertificate(c, s);
            return true;
        });
        db.afterCommit(this::wakeWaiters);
        return changed;
    }

    private void wakeWaiters() {
        synchronized (provisioned) {
            provisioned.notifyAll();
        }
    }

    public Optional<SshSession> find(String team, String sessionId) {
        return db.read(c -> SessionRepository.find(c, team, checkId(sessionId), false));
    }

    /** Live sessions on one server, as its agent reconciles them. */
    public List<AgentSession> liveOn(String team, String server) {
        Instant now = clock.instant();
        return db.read(c -> SessionRepository.liveOn(c, team, server, now)).stream()
                .map(SshSession::forAgent)
                .toList();
    }

    /** The digest of {@link #liveOn}, which every long-poll answer carries (one indexed read of ids). */
    public String liveDigestOn(String team, String server) {
        Instant now = clock.instant();
        return LiveSessionsDigest.of(db.read(c -> SessionRepository.liveIdsOn(c, team, server, now)));
    }

    /** Serials revoked and not yet expired, for the agents' KRL. */
    public List<String> revokedSerials(String team) {
        return db.read(c -> SessionRepository.revokedSerials(c, team, clock.instant()));
    }

    private SshSession own(WorkloadPrincipal who, String sessionId) {
        return db.read(c -> SessionRepository.find(c, who.team(), checkId(sessionId), false))
                .filter(s -> s.role().equals(who.role()) && s.accessTokenId().equals(who.tokenId()))
                .orElseThrow(
                        () -> new KeylessException(ProblemType.NOT_FOUND, "No such session for this access token"));
    }

    private static String checkId(String sessionId) {
        if (sessionId == null || !sessionId.matches("[0-9a-f-]{36}")) {
            throw new KeylessException(ProblemType.NOT_FOUND, "No such session");
        }
        return sessionId;
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) < 0 ? a : b;
    }
}

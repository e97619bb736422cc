package dev.keyless.service.agent;

import dev.keyless.protocol.AgentRequests.Ended;
import dev.keyless.protocol.AgentRequests.EventBatch;
import dev.keyless.protocol.AgentRequests.Failed;
import dev.keyless.protocol.AgentRequests.LiveSessions;
import dev.keyless.protocol.AgentRequests.Login;
import dev.keyless.protocol.AgentRequests.Ready;
import dev.keyless.protocol.AuditEventType;
import dev.keyless.service.audit.AuditEntry;
import dev.keyless.service.audit.AuditService;
import dev.keyless.service.ca.CaKind;
import dev.keyless.service.ca.CaService;
import dev.keyless.service.db.Db;
import dev.keyless.service.metrics.KeylessMetrics;
import dev.keyless.service.problem.KeylessException;
import dev.keyless.service.session.SessionService;
import dev.keyless.service.session.SshSession;
import io.micronaut.context.annotation.Value;
import io.micronaut.scheduling.TaskExecutors;
import jakarta.inject.Named;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.regex.Pattern;

/** What an enrolled agent may do, always for its own server only. */
@Singleton
public class AgentService {
    static final int MAX_WAIT_SECONDS = 55;
    /** What a poll without {@code wait_seconds} waits: a client that leaves it out must not busy-loop. */
    static final int DEFAULT_WAIT_SECONDS = 25;

    private static final long MAX_DURATION_MS = Duration.ofHours(1).toMillis();
    private static final Pattern SAFE_TEXT = Pattern.compile("[\\x20-\\x7e]{0,200}");

    private final AgentEventQueue events;
    private final SessionService sessions;
    private final CaService cas;
    private final AuditService audit;
    private final ExecutorService blocking;
    private final Db db;

    private final KeylessMetrics metrics;
    private final Duration minPollWait;

    AgentService(
            Db db,
            AgentEventQueue events,
            SessionService sessions,
            CaService cas,
            AuditService audit,
            KeylessMetrics metrics,
            @Named(TaskExecutors.BLOCKING) ExecutorService blocking,
            @Value("${keyless.agent.min-poll-wait:1s}") Duration minPollWait) {
        this.metrics = metrics;
        this.minPollWait = minPollWait;
        this.events = events;
        this.sessions = sessions;
        this.cas = cas;
        this.audit = audit;
        this.blocking = blocking;
        this.db = db;
    }

    /**
     * The server's events after {@code after}, waiting up to {@code waitSeconds} for the first one
     * without holding a thread; the CA keys, revoked serials and the live-session digest (the
     * agent's cue to reconcile) are read when the answer is ready.
     * An empty answer never comes sooner than {@code keyless.agent.min-poll-wait} (1 s), whatever
     * {@code waitSeconds} asked for: a client polling in a loop with {@code wait_seconds=0} makes
     * at most one request a second while there is nothing to deliver.
     */
    public CompletableFuture<EventBatch> events(AgentPrincipal agent, long after, int waitSeconds) {
        if (after < 0) {
            throw KeylessException.invalid("after", "must not be negative");
        }
        if (waitSeconds < 0 || waitSeconds > MAX_WAIT_SECONDS) {
            throw KeylessException.invalid("wait_seconds", "must be between 0 and " + MAX_WAIT_SECONDS);
        }
        Duration wait = Duration.ofSeconds(waitSeconds);
        return events.poll(agent.team(), agent.server(), after, wait.compareTo(minPollWait) < 0 ? minPollWait : wait)
                .thenApplyAsync(
                        found -> new EventBatch(
                                found,
                                cas.publicKeys(agent.team(), CaKind.USER),
                                sessions.revokedSerials(agent.team()),
                                cas.publicKeys(agent.team(), CaKind.HOST),
                                sessions.liveDigestOn(agent.team(), agent.server())),
                        blocking);
    }

    public LiveSessions live(AgentPrincipal agent) {
        return new LiveSessions(sessions.liveOn(agent.team(), agent.server()));
    }

    public void ready(AgentPrincipal agent, String sessionId, Ready report) {
        String duration = ms(report.durationMs());
        // The state change and its events commit together (the calls below join this transaction).
        db.write(c -> {
            if (sessions.markReady(agent.team(), agent.server(), sessionId)) {
                SshSession s = sessions.find(agent.team(), sessionId).orElseThrow();
                if (report.accountCreated()) {
                    audit.record(event(agent, AuditEventType.SERVER_ACCOUNT_CREATE, s)
                            .detail("duration_ms", duration));
                }
                audit.record(event(agent, AuditEventType.SESSION_READY, s).detail("duration_ms", duration));
                db.afterCommit(() -> metrics.provisioned(agent.team(), Duration.ofMillis(report.durationMs())));
            }
            return null;
        });
    }

    /**
     * Ends a session the agent could not provision. A reason that is not short printable text is
     * replaced rather than refused: the report only takes access away, and it must not be lost.
     */
    public void failed(AgentPrincipal agent, String sessionId, Failed report) {
        String reason =
                report.reason() != null && SAFE_TEXT.matcher(report.reason()).matches()
                        ? report.reason()
                        : "(reason not printable)";
        db.write(c -> {
            if (sessions.markFailed(agent.team(), agent.server(), sessionId, reason)) {
                SshSession s = sessions.find(agent.team(), sessionId).orElseThrow();
                audit.record(event(agent, AuditEventType.SESSION_PROVISION_FAIL, s)
                        .failure("provisioning-failed")
                        .detail("agent_reason", reason));
            }
            return null;
        });
    }

    public void ended(AgentPrincipal agent, String sessionId, Ended report) {
        String duration = ms(report.durationMs());
        SshSession s = sessions.find(agent.team(), sessionId)
                .filter(x -> x.server().equals(agent.server()))
                .orElseThrow(() -> new KeylessException(
                        dev.keyless.protocol.ProblemType.NOT_FOUND, "No such session on this server"));
        if (report.accountDeleted()) {
            audit.record(event(agent, AuditEventType.SERVER_ACCOUNT_DELETE, s).detail("duration_ms", duration));
            metrics.tornDown(agent.team(), Duration.ofMillis(report.durationMs()));
        }
    }

    /** Audits an sshd login or logout the agent saw; every field is bounded first ({@link LoginReports}). */
    public void login(AgentPrincipal agent, Login login) {
        LoginReports.CheckedLogin checked = LoginReports.check(agent.team(), login);
        AuditEntry entry = AuditEntry.of(agent.team(), checked.eventType())
                .actor("agent", agent.agentId())
                .server(agent.server())
                .serial(checked.serial())
                .detail("user", checked.user())
                .detail("key_id", checked.keyId())
                .detail("source_address", checked.sourceAddress());
        if (checked.role() != null) {
            entry.role(checked.role()).session(checked.session());
        }
        audit.record(entry);
    }

    private static AuditEntry event(AgentPrincipal agent, String type, SshSession s) {
        return AuditEntry.of(agent.team(), type)
                .actor("agent", agent.agentId())
                .connection(s.connection())
                .role(s.role())
                .server(s.server())
                .session(s.id())
                .serial(s.serial())
                .detail("user", s.principal());
    }

    private static String ms(long durationMs) {
        if (durationMs < 0 || durationMs > MAX_DURATION_MS) {
            throw KeylessException.invalid("duration_ms", "must be between 0 and " + MAX_DURATION_MS);
        }
        return Long.toString(durationMs);
    }
}

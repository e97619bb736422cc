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
import dev.keyless.service.problem.KeylessException;
import dev.keyless.service.session.SessionService;
import dev.keyless.service.session.SshSession;
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
    private static final Pattern SAFE_TEXT = Pattern.compile("[\\x20-\\x7e]{0,200}");

    private final AgentEventQueue events;
    private final SessionService sessions;
    private final CaService cas;
    private final AuditService audit;
    private final ExecutorService blocking;

    AgentService(
            AgentEventQueue events,
            SessionService sessions,
            CaService cas,
            AuditService audit,
            @Named(TaskExecutors.BLOCKING) ExecutorService blocking) {
        this.events = events;
        this.sessions = sessions;
        this.cas = cas;
        this.audit = audit;
        this.blocking = blocking;
    }

    /**
     * The server's events after {@code after}, waiting up to {@code waitSeconds} for the first one
     * without holding a thread; the CA keys and revoked serials are read when the answer is ready.
     */
    public CompletableFuture<EventBatch> events(AgentPrincipal agent, long after, int waitSeconds) {
        if (after < 0) {
            throw KeylessException.invalid("after", "must not be negative");
        }
        if (waitSeconds < 0 || waitSeconds > MAX_WAIT_SECONDS) {
            throw KeylessException.invalid("wait_seconds", "must be between 0 and " + MAX_WAIT_SECONDS);
        }
        return events.poll(agent.team(), agent.server(), after, Duration.ofSeconds(waitSeconds))
                .thenApplyAsync(
                        found -> new EventBatch(
                                found,
                                cas.publicKeys(agent.team(), CaKind.USER),
                                sessions.revokedSerials(agent.team())),
                        blocking);
    }

    public LiveSessions live(AgentPrincipal agent) {
        return new LiveSessions(sessions.liveOn(agent.team(), agent.server()));
    }

    public void ready(AgentPrincipal agent, String sessionId, Ready report) {
        if (sessions.markReady(agent.team(), agent.server(), sessionId)) {
            SshSession s = sessions.find(agent.team(), sessionId).orElseThrow();
            if (report.accountCreated()) {
                audit.record(event(agent, AuditEventType.SERVER_ACCOUNT_CREATE, s)
                        .detail("duration_ms", ms(report.durationMs())));
            }
            audit.record(event(agent, AuditEventType.SESSION_READY, s).detail("duration_ms", ms(report.durationMs())));
        }
    }

    public void failed(AgentPrincipal agent, String sessionId, Failed report) {
        String reason =
                report.reason() != null && SAFE_TEXT.matcher(report.reason()).matches()
                        ? report.reason()
                        : "(reason not printable)";
        if (sessions.markFailed(agent.team(), agent.server(), sessionId, reason)) {
            SshSession s = sessions.find(agent.team(), sessionId).orElseThrow();
            audit.record(event(agent, AuditEventType.SESSION_PROVISION_FAIL, s)
                    .failure("provisioning-failed")
                    .detail("agent_reason", reason));
        }
    }

    public void ended(AgentPrincipal agent, String sessionId, Ended report) {
        SshSession s = sessions.find(agent.team(), sessionId)
                .filter(x -> x.server().equals(agent.server()))
                .orElseThrow(() -> new KeylessException(
                        dev.keyless.protocol.ProblemType.NOT_FOUND, "No such session on this server"));
        if (report.accountDeleted()) {
            audit.record(event(agent, AuditEventType.SERVER_ACCOUNT_DELETE, s)
                    .detail("duration_ms", ms(report.durationMs())));
        }
    }

    public void login(AgentPrincipal agent, Login login) {
        String type =
                "logout".equals(login.type()) ? AuditEventType.SERVER_SSH_LOGOUT : AuditEventType.SERVER_SSH_LOGIN;
        AuditEntry entry = AuditEntry.of(agent.team(), type)
                .actor("agent", agent.agentId())
                .server(agent.server())
                .serial(safe(login.serial()))
                .detail("user", safe(login.user()))
                .detail("key_id", safe(login.keyId()))
                .detail("source_address", safe(login.sourceAddress()));
        String keyId = login.keyId();
        // key id: keyless:<team>:<role>:<session-id>[:<run id>]
        if (keyId != null && keyId.startsWith("keyless:" + agent.team() + ":")) {
            String[] parts = keyId.split(":");
            if (parts.length >= 4) {
                entry.role(safe(parts[2])).session(safe(parts[3]));
            }
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
        return Long.toString(durationMs);
    }

    private static String safe(String value) {
        return value != null && SAFE_TEXT.matcher(value).matches() ? value : null;
    }
}

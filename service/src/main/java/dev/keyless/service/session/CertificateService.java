package dev.keyless.service.session;

import dev.keyless.protocol.AuditEventType;
import dev.keyless.protocol.ProblemType;
import dev.keyless.protocol.SessionState;
import dev.keyless.protocol.WorkloadRequests.CertificateRequest;
import dev.keyless.protocol.WorkloadRequests.CertificateResponse;
import dev.keyless.protocol.WorkloadRequests.ServerEndpoint;
import dev.keyless.service.agent.AgentEventQueue;
import dev.keyless.service.agent.AgentRepository;
import dev.keyless.service.audit.AuditEntry;
import dev.keyless.service.audit.AuditService;
import dev.keyless.service.ca.CaKind;
import dev.keyless.service.ca.CaService;
import dev.keyless.service.ca.PublicKeyRejectedException;
import dev.keyless.service.ca.SignedSshCertificate;
import dev.keyless.service.ca.SshCertificateBuilder;
import dev.keyless.service.ca.SshPublicKey;
import dev.keyless.service.ca.SshPublicKeys;
import dev.keyless.service.db.DatabaseUnavailableException;
import dev.keyless.service.db.Db;
import dev.keyless.service.metrics.KeylessMetrics;
import dev.keyless.service.policy.AccessDecision;
import dev.keyless.service.policy.InvalidNameException;
import dev.keyless.service.policy.Names;
import dev.keyless.service.policy.PolicyEngine;
import dev.keyless.service.policy.PolicyService;
import dev.keyless.service.policy.ServerFacts;
import dev.keyless.service.problem.KeylessException;
import dev.keyless.service.problem.Rejection;
import dev.keyless.service.server.ServerService;
import dev.keyless.service.server.TargetServer;
import dev.keyless.service.workload.WorkloadPrincipal;
import io.micronaut.context.annotation.Value;
import jakarta.inject.Singleton;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;

/**
 * Certificates. Policy is evaluated again for the requested server; the certificate
 * names only {@code wl_<role>} and lives no longer than the session TTL past the access token.
 */
@Singleton
public class CertificateService {
    static final Duration BACKDATE = Duration.ofSeconds(30);

    private final Db db;
    private final Clock clock;
    private final SecureRandom random;
    private final CaService cas;
    private final ServerService servers;
    private final PolicyService policies;
    private final AuditService audit;
    private final AgentEventQueue agentEvents;
    private final SessionService sessions;
    private final Duration readyWait;
    private final KeylessMetrics metrics;

    CertificateService(
            Db db,
            Clock clock,
            SecureRandom random,
            CaService cas,
            ServerService servers,
            PolicyService policies,
            AuditService audit,
            AgentEventQueue agentEvents,
            SessionService sessions,
            KeylessMetrics metrics,
            @Value("${keyless.session.ready-wait:3s}") Duration readyWait) {
        this.db = db;
        this.clock = clock;
        this.random = random;
        this.cas = cas;
        this.servers = servers;
        this.policies = policies;
        this.audit = audit;
        this.agentEvents = agentEvents;
        this.sessions = sessions;
        this.readyWait = readyWait;
        this.metrics = metrics;
    }

    public CertificateResponse issue(WorkloadPrincipal who, CertificateRequest request, String clientIp) {
        try {
            CertificateResponse issued = issueChecked(who, request, clientIp);
            metrics.certificate(who.team(), null);
            return issued;
        } catch (DatabaseUnavailableException e) {
            throw e; // not a refusal: nothing to audit, the client retries
        } catch (KeylessException | InvalidNameException e) {
            String reason = ((Rejection) e).problemType().slug();
            metrics.certificate(who.team(), reason);
            audit.record(AuditEntry.of(who.team(), AuditEventType.SSH_CERTIFICATE_ISSUE)
                    .failure(reason)
                    .actor("workload", who.subject())
                    .connection(who.connection())
                    .role(who.role())
                    .subject(who.subject())
                    .clientIp(clientIp)
                    .token(who.tokenId(), null)
                    .server(validNameOrNull(request.server())));
            throw e;
        }
    }

    private CertificateResponse issueChecked(WorkloadPrincipal who, CertificateRequest request, String clientIp) {
        String serverName = Names.server("server", request.server());
        SshPublicKey publicKey = publicKey(request.publicKey());
        TargetServer server = servers.find(who.team(), who.configVersion(), serverName)
                .orElseThrow(() -> new KeylessException(
                        ProblemType.SERVER_NOT_FOUND, "No server named '" + serverName + "' in this team"));
        AccessDecision decision = PolicyEngine.decide(
                who.role(),
                new ServerFacts(server.name(), server.labels()),
                policies.rules(who.team(), who.configVersion()));
        if (!decision.granted()) {
            throw new KeylessException(
                    ProblemType.POLICY_DENIED,
                    "No policy grants role '" + who.role() + "' access to server '" + server.name() + "'");
        }
        Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        Instant validBefore =
                min(now.plus(decision.sessionTtl()), who.expiresAt().plus(decision.sessionTtl()));
        String sessionId = UUID.randomUUID().toString();
        long serial = randomSerial();
        String principal = Names.principalFor(who.role());
        SshCertificateBuilder builder = SshCertificateBuilder.userCertificate(publicKey)
                .serial(serial)
                .keyId(keyId(who, sessionId))
                .principal(principal)
                .validAfter(now.minus(BACKDATE))
                .validBefore(validBefore)
                .random(random);
        decision.extensions().forEach(builder::extension);
        if (!decision.sourceAddresses().isEmpty()) {
            builder.criticalOption("source-address", String.join(",", decision.sourceAddresses()));
        }
        SignedSshCertificate certificate = builder.sign(cas.signer(who.team(), CaKind.USER));
        // One transaction: whether the server has an agent decides the state the session starts in.
        SshSession session = db.write(c -> {
            boolean hasAgent = AgentRepository.exists(c, who.team(), server.name());
            SshSession created = new SshSession(
                    sessionId,
                    who.team(),
                    who.connection(),
                    who.role(),
                    server.name(),
                    principal,
                    Long.toUnsignedString(serial),
                    hasAgent ? SessionState.PENDING : SessionState.READY,
                    who.subject(),
                    who.tokenId(),
                    decision.sudo().stream()
                            .map(dev.keyless.protocol.sudo.SudoCommand::text)
                            .toList(),
                    now.minus(BACKDATE),
                    validBefore,
                    now,
                    null,
                    null);
            if (decision.maxConcurrentSessions() != null) {
                // Serialize session starts of this role so the limit holds across replicas.
                Db.queryOne(
                        c,
                        "SELECT name FROM workload_role WHERE team = ? AND name = ? FOR UPDATE",
                        rs -> rs.getString(1),
                        who.team(),
                        who.role());
                if (SessionRepository.countLive(c, who.team(), who.role(), now) >= decision.maxConcurrentSessions()) {
                    throw new KeylessException(
                            ProblemType.SESSION_LIMIT_REACHED,
                            "Role '" + who.role() + "' already has " + decision.maxConcurrentSessions()
                                    + " live session(s)");
                }
            }
            SessionRepository.insert(c, created);
            // The session and its audit event commit together: no certificate without its event.
            audit.record(AuditEntry.of(who.team(), AuditEventType.SSH_CERTIFICATE_ISSUE)
                    .actor("workload", who.subject())
                    .connection(who.connection())
                    .role(who.role())
                    .subject(who.subject())
                    .clientIp(clientIp)
                    .token(who.tokenId(), null)
                    .server(server.name())
                    .session(sessionId)
                    .serial(created.serial())
                    .detail("principal", principal)
                    .detail("valid_before", validBefore.toString())
                    .detail("key_fingerprint", publicKey.fingerprintSha256()));
            if (hasAgent) {
                // last: the server's queue head is a row every session start there writes
                agentEvents.append(c, who.team(), server.name(), AgentEventQueue.SESSION_START, sessionId);
            }
            return created;
        });
        boolean managed = session.state() == SessionState.PENDING;
        return new CertificateResponse(
                sessionId,
                certificate.toLine(),
                principal,
                session.validAfter(),
                validBefore,
                new ServerEndpoint(server.name(), server.address(), server.port()),
                cas.publicKeys(who.team(), CaKind.HOST),
                managed ? sessions.awaitProvisioning(who.team(), sessionId, readyWait) : session.state());
    }

    private long randomSerial() {
        long serial;
        do {
            serial = random.nextLong();
        } while (serial == 0);
        return serial;
    }

    private static String keyId(WorkloadPrincipal who, String sessionId) {
        String keyId = "keyless:" + who.team() + ":" + who.role() + ":" + sessionId;
        return who.runId() == null ? keyId : keyId + ":" + who.runId();
    }

    private static Instant min(Instant a, Instant b) {
        return a.isBefore(b) ? a : b;
    }

    private static String validNameOrNull(String name) {
        try {
            return Names.server("server", name);
        } catch (InvalidNameException e) {
            return null;
        }
    }

    private static SshPublicKey publicKey(String line) {
        if (line == null) {
            throw new KeylessException(ProblemType.PUBLIC_KEY_INVALID, "public_key is required");
        }
        try {
            return SshPublicKeys.parse(line);
        } catch (PublicKeyRejectedException e) {
            ProblemType type = e.reason() == PublicKeyRejectedException.Reason.WEAK
                    ? ProblemType.PUBLIC_KEY_WEAK
                    : ProblemType.PUBLIC_KEY_INVALID;
            throw new KeylessException(type, e.getMessage());
        }
    }
}

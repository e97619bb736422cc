package dev.keyless.service.session;

import dev.keyless.protocol.AuditEventType;
import dev.keyless.protocol.ProblemType;
import dev.keyless.protocol.SessionState;
import dev.keyless.protocol.WorkloadRequests.CertificateRequest;
import dev.keyless.protocol.WorkloadRequests.CertificateResponse;
import dev.keyless.protocol.WorkloadRequests.ServerEndpoint;
import dev.keyless.protocol.sudo.SudoCommand;
import dev.keyless.service.audit.AuditEntry;
import dev.keyless.service.audit.AuditService;
import dev.keyless.service.ca.CaKind;
import dev.keyless.service.ca.CaService;
import dev.keyless.service.ca.Ed25519CertificateAuthority;
import dev.keyless.service.ca.PublicKeyRejectedException;
import dev.keyless.service.ca.SignedSshCertificate;
import dev.keyless.service.ca.SshCertificateBuilder;
import dev.keyless.service.ca.SshPublicKey;
import dev.keyless.service.ca.SshPublicKeys;
import dev.keyless.service.db.DatabaseUnavailableException;
import dev.keyless.service.db.Db;
import dev.keyless.service.metrics.KeylessMetrics;
import dev.keyless.service.name.InvalidNameException;
import dev.keyless.service.name.Names;
import dev.keyless.service.policy.AccessDecision;
import dev.keyless.service.policy.PolicyEngine;
import dev.keyless.service.policy.PolicyService;
import dev.keyless.service.policy.ServerFacts;
import dev.keyless.service.problem.KeylessException;
import dev.keyless.service.problem.Rejection;
import dev.keyless.service.role.RoleService;
import dev.keyless.service.server.ServerService;
import dev.keyless.service.server.TargetServer;
import dev.keyless.service.workload.WorkloadPrincipal;
import io.micronaut.context.annotation.Value;
import jakarta.inject.Singleton;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * Certificates. Policy is evaluated again for the requested server; the certificate
 * names only {@code wl_<role>} and lives no longer than the session TTL past the access token.
 */
@Singleton
public class CertificateService {
    private final Db db;
    private final Clock clock;
    private final SecureRandom random;
    private final CaService cas;
    private final ServerService servers;
    private final PolicyService policies;
    private final AuditService audit;
    private final SessionAgents agents;
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
            SessionAgents agents,
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
        this.agents = agents;
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
            audit.record(
                    issueEvent(who, clientIp, validNameOrNull(request.server())).failure(reason));
            throw e;
        }
    }

    /** Decide the options, reserve the session, sign, audit: nothing is signed that could still be refused. */
    private CertificateResponse issueChecked(WorkloadPrincipal who, CertificateRequest request, String clientIp) {
        String serverName = Names.server("server", request.server());
        SshPublicKey publicKey = publicKey(request.publicKey());
        TargetServer server = servers.find(who.team(), who.configVersion(), serverName)
                .orElseThrow(() -> new KeylessException(
                        ProblemType.SERVER_NOT_FOUND, "No server named '" + serverName + "' in this team"));
        AccessDecision decision = grant(who, server);
        SessionStart start = SessionStart.draw(random, clock);
        CertificateOptions options = CertificateOptions.decide(who, decision, start);
        Ed25519CertificateAuthority signer = cas.signer(who.team(), CaKind.USER);
        SshCertificateBuilder certificate = options.certificate(publicKey, random);
        SshSession.Builder session = SshSession.builder()
                .id(start.id())
                .team(who.team())
                .connection(who.connection())
                .role(who.role())
                .server(server.name())
                .subject(who.subject())
                .accessTokenId(who.tokenId())
                .certificate(options)
                .sudo(decision.sudo().stream().map(SudoCommand::text).toList())
                .createdAt(start.at());
        AuditEntry issued = issueEvent(who, clientIp, server.name())
                .session(start.id())
                .serial(options.identity().serialText())
                .detail("principal", options.principal().name())
                .detail("valid_before", options.validity().validBefore().toString())
                .detail("key_fingerprint", publicKey.fingerprintSha256());
        Started started =
                reserveSignAndAudit(session, decision.maxConcurrentSessions(), () -> certificate.sign(signer), issued);
        boolean managed = started.session().state() == SessionState.PENDING;
        return new CertificateResponse(
                start.id(),
                started.certificate().toLine(),
                options.principal().name(),
                options.validity().validAfter(),
                options.validity().validBefore(),
                new ServerEndpoint(server.name(), server.address(), server.port()),
                cas.publicKeys(who.team(), CaKind.HOST),
                managed
                        ? sessions.awaitProvisioning(who.team(), start.id(), readyWait)
                        : started.session().state());
    }

    record Started(SshSession session, SignedSshCertificate certificate) {}

    private AccessDecision grant(WorkloadPrincipal who, TargetServer server) {
        AccessDecision decision = PolicyEngine.decide(
                who.role(),
                new ServerFacts(server.name(), server.labels()),
                policies.rules(who.team(), who.configVersion()));
        if (!decision.granted()) {
            throw new KeylessException(
                    ProblemType.POLICY_DENIED,
                    "No policy grants role '" + who.role() + "' access to server '" + server.name() + "'");
        }
        return decision;
    }

    /**
     * One transaction: the session row, the signature and the audit event, so a refused or failed
     * start leaves nothing behind. Signing inside it means a signing failure rolls the reservation
     * back before anyone saw it; signing is pure CPU (the signer was loaded before), so a retried
     * transaction just signs again with a fresh nonce. Whether the server has an agent decides the
     * state the session starts in.
     *
     * @param sign signs the validated certificate with the loaded CA; package-private for the test
     *     that breaks it
     */
    Started reserveSignAndAudit(
            SshSession.Builder starting,
            Integer maxConcurrentSessions,
            Supplier<SignedSshCertificate> sign,
            AuditEntry issued) {
        return db.write(c -> {
            boolean hasAgent = agents.hasAgent(c, starting.team(), starting.server());
            SshSession session = starting.state(hasAgent ? SessionState.PENDING : SessionState.READY)
                    .build();
            if (maxConcurrentSessions != null) {
                refuseOverLimit(c, session, maxConcurrentSessions);
            }
            SessionRepository.insert(c, session);
            SignedSshCertificate certificate = sign.get();
            // The session and its audit event commit together: no certificate without its event.
            audit.record(issued);
            if (hasAgent) {
                // last: the server's queue head is a row every session start there writes
                agents.started(c, session);
            }
            return new Started(session, certificate);
        });
    }

    private static void refuseOverLimit(Connection c, SshSession session, int maxConcurrentSessions)
            throws SQLException {
        // Serialize session starts of this role so the limit holds across replicas.
        RoleService.lock(c, session.team(), session.role());
        if (SessionRepository.countLive(c, session.team(), session.role(), session.createdAt())
                >= maxConcurrentSessions) {
            throw new KeylessException(
                    ProblemType.SESSION_LIMIT_REACHED,
                    "Role '" + session.role() + "' already has " + maxConcurrentSessions + " live session(s)");
        }
    }

    /** The certificate-issue event as both outcomes record it; the caller adds what only it knows. */
    private static AuditEntry issueEvent(WorkloadPrincipal who, String clientIp, String server) {
        return AuditEntry.of(who.team(), AuditEventType.SSH_CERTIFICATE_ISSUE)
                .actor("workload", who.subject())
                .connection(who.connection())
                .role(who.role())
                .subject(who.subject())
                .clientIp(clientIp)
                .token(who.tokenId(), null)
                .server(server);
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

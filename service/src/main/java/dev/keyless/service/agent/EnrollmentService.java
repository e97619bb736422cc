package dev.keyless.service.agent;

import static dev.keyless.protocol.AdminRole.DEVOPS_ADMIN;
import static dev.keyless.protocol.AdminRole.SECURITY_ADMIN;

import dev.keyless.protocol.AgentRequests;
import dev.keyless.protocol.AgentRequests.BulkEnrollmentTokens;
import dev.keyless.protocol.AgentRequests.Enroll;
import dev.keyless.protocol.AgentRequests.Enrolled;
import dev.keyless.protocol.AgentRequests.EnrollmentToken;
import dev.keyless.protocol.AgentRequests.HostCertificate;
import dev.keyless.protocol.AuditEventType;
import dev.keyless.protocol.ProblemType;
import dev.keyless.service.admin.AdminTokens;
import dev.keyless.service.audit.AuditEntry;
import dev.keyless.service.audit.AuditService;
import dev.keyless.service.ca.CaKind;
import dev.keyless.service.ca.CaService;
import dev.keyless.service.ca.PublicKeyRejectedException;
import dev.keyless.service.ca.SshCertificateBuilder;
import dev.keyless.service.ca.SshPublicKey;
import dev.keyless.service.ca.SshPublicKeys;
import dev.keyless.service.caller.AdminPrincipal;
import dev.keyless.service.db.Db;
import dev.keyless.service.name.InvalidNameException;
import dev.keyless.service.name.Names;
import dev.keyless.service.problem.KeylessException;
import dev.keyless.service.server.ServerService;
import dev.keyless.service.server.TargetServer;
import dev.keyless.service.team.TeamService;
import io.micronaut.context.annotation.Value;
import jakarta.inject.Singleton;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Agent enrolment: an admin mints a one-time token for a server; the agent trades it, once and
 * within the hour, for its registration and a host certificate signed by the team's host CA.
 */
@Singleton
public class EnrollmentService {
    static final Duration TOKEN_TTL = Duration.ofHours(1);
    /** Host certificates are backdated this much (at most a tenth of their lifetime) for slow clocks. */
    static final Duration HOST_CERT_BACKDATE = Duration.ofMinutes(5);

    private static final int MAX_AGENT_KEY_CHARS = 512;
    private static final int MAX_HOST_KEY_CHARS = 4096;

    private final Db db;
    private final Clock clock;
    private final SecureRandom random;
    private final ServerService servers;
    private final CaService cas;
    private final AuditService audit;
    private final Duration hostCertificateTtl;

    EnrollmentService(
            Db db,
            Clock clock,
            SecureRandom random,
            ServerService servers,
            CaService cas,
            AuditService audit,
            @Value("${keyless.agent.host-certificate-ttl:90d}") Duration hostCertificateTtl) {
        this.db = db;
        this.clock = clock;
        this.random = random;
        this.servers = servers;
        this.cas = cas;
        this.audit = audit;
        this.hostCertificateTtl = hostCertificateTtl;
    }

    public EnrollmentToken createToken(AdminPrincipal by, String serverName) {
        by.require(DEVOPS_ADMIN, SECURITY_ADMIN);
        server(by.team(), serverName);
        Instant expires = clock.instant().plus(TOKEN_TTL);
        String token = db.write(c -> mint(c, by, serverName, expires));
        audit.record(AuditEntry.of(by.team(), AuditEventType.ENROLLMENT_TOKEN_CREATE)
                .by(by)
                .server(serverName)
                .detail("expires_at", expires.toString()));
        return new EnrollmentToken(serverName, token, expires);
    }

    /**
     * One token per server the selector picks, for enrolling a fleet in one go. The same admins
     * who may mint one token may mint these; all tokens and their audit events are written in one
     * transaction, so a failure leaves none. Each event names its server and the selector.
     */
    public List<EnrollmentToken> createTokens(AdminPrincipal by, BulkEnrollmentTokens request) {
        by.require(DEVOPS_ADMIN, SECURITY_ADMIN);
        Map<String, String> labels = BulkSelector.labels(request);
        List<TargetServer> matched = servers.withLabels(by.team(), labels);
        if (matched.size() > BulkSelector.MAX_SERVERS) {
            throw KeylessException.invalid(
                    "selector",
                    "matches " + matched.size() + " servers, at most " + BulkSelector.MAX_SERVERS
                            + " per request; narrow it with another label");
        }
        Instant expires = clock.instant().plus(TOKEN_TTL);
        String selector = BulkSelector.describe(labels);
        return db.write(c -> {
            List<EnrollmentToken> tokens = new ArrayList<>();
            for (TargetServer server : matched) {
                tokens.add(new EnrollmentToken(server.name(), mint(c, by, server.name(), expires), expires));
                audit.record(AuditEntry.of(by.team(), AuditEventType.ENROLLMENT_TOKEN_CREATE)
                        .by(by)
                        .server(server.name())
                        .detail("expires_at", expires.toString())
                        .detail("selector", selector));
            }
            return tokens;
        });
    }

    /** Stores the hash of a new one-time token for {@code serverName} and returns the token. */
    private String mint(java.sql.Connection c, AdminPrincipal by, String serverName, Instant expires)
            throws java.sql.SQLException {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        String token = "kle_" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        EnrollmentTokenRepository.insert(c, AdminTokens.hash(token), by.team(), serverName, by.name(), expires);
        return token;
    }

    /**
     * Trades a one-time token for the agent's registration. The caller is not authenticated yet, so
     * every reason the token does not fit (unknown team or server, unknown, used or expired token,
     * token for another server) gets the same answer after the same work: the token is looked up
     * even when the server is unknown, and nothing tells a known server name from an unknown one.
     */
    public Enrolled enroll(String team, Enroll request, String clientIp) {
        String serverName = name(request.server());
        if (request.enrollmentToken() == null || request.enrollmentToken().length() > 256) {
            throw invalidToken();
        }
        SshPublicKey agentKey = key("agent_public_key", request.agentPublicKey(), MAX_AGENT_KEY_CHARS);
        if (!agentKey.keyType().equals("ssh-ed25519")) {
            throw KeylessException.invalid("agent_public_key", "must be an ssh-ed25519 key");
        }
        SshPublicKey hostKey = key("host_public_key", request.hostPublicKey(), MAX_HOST_KEY_CHARS);
        String version = request.agentVersion();
        if (version != null && !version.matches(AgentRequests.AGENT_VERSION_PATTERN)) {
            throw KeylessException.invalid(
                    "agent_version", "must be 1 to 64 letters, digits or . + _ - and start with a letter or digit");
        }
        Optional<TargetServer> known = knownServer(team, serverName);
        Instant now = clock.instant();
        String agentId = UUID.randomUUID().toString();
        TargetServer server = db.write(c -> {
            boolean valid = EnrollmentTokenRepository.lockUnused(
                            c, AdminTokens.hash(request.enrollmentToken()), team, now)
                    .filter(serverName::equals)
                    .isPresent();
            if (!valid || known.isEmpty()) {
                throw invalidToken();
            }
            EnrollmentTokenRepository.markUsed(c, AdminTokens.hash(request.enrollmentToken()), now);
            // Stored without their comments: a comment is free text of up to 16 KiB that nothing
            // reads back, and without it every key the parser accepts fits its column (the
            // largest, 16384-bit RSA, is a 2.8 KiB line; host_public_key is 4096 since V9).
            AgentRepository.replace(
                    c,
                    new Agent(
                            agentId,
                            team,
                            serverName,
                            agentKey.withComment("").toLine(),
                            hostKey.withComment("").toLine(),
                            now,
                            now,
                            version));
            return known.get();
        });
        String hostCertificate = hostCertificate(team, server, hostKey);
        audit.record(AuditEntry.of(team, AuditEventType.AGENT_ENROLL)
                .actor("agent", agentId)
                .server(serverName)
                .clientIp(clientIp)
                .detail("agent_key", agentKey.fingerprintSha256())
                .detail("host_key", hostKey.fingerprintSha256()));
        return new Enrolled(
                agentId, hostCertificate, cas.publicKeys(team, CaKind.USER), cas.publicKeys(team, CaKind.HOST));
    }

    /**
     * A new host certificate for the host key the agent enrolled (never a key it names now: a
     * stolen agent key must not certify another host key), so that hosts renew before expiry.
     */
    public HostCertificate renewHostCertificate(AgentPrincipal agent, String clientIp) {
        Agent enrolled = db.read(c -> AgentRepository.find(c, agent.agentId()))
                .filter(a -> a.team().equals(agent.team()) && a.server().equals(agent.server()))
                .orElseThrow(() -> new KeylessException(ProblemType.AGENT_UNAUTHENTICATED, "Unknown agent"));
        SshPublicKey hostKey = key("host_public_key", enrolled.hostPublicKey(), MAX_HOST_KEY_CHARS);
        String certificate = hostCertificate(agent.team(), server(agent.team(), agent.server()), hostKey);
        audit.record(AuditEntry.of(agent.team(), AuditEventType.AGENT_HOST_CERTIFICATE_RENEW)
                .actor("agent", agent.agentId())
                .server(agent.server())
                .clientIp(clientIp)
                .detail("host_key", hostKey.fingerprintSha256())
                .detail("ttl_seconds", Long.toString(hostCertificateTtl.toSeconds())));
        return new HostCertificate(certificate, cas.publicKeys(agent.team(), CaKind.HOST));
    }

    private String hostCertificate(String team, TargetServer server, SshPublicKey hostKey) {
        List<String> principals = new ArrayList<>(List.of(server.name()));
        if (!server.address().equals(server.name())) {
            principals.add(server.address());
        }
        Instant now = clock.instant();
        Duration tenth = hostCertificateTtl.dividedBy(10);
        Duration backdate = tenth.compareTo(HOST_CERT_BACKDATE) < 0 ? tenth : HOST_CERT_BACKDATE;
        return SshCertificateBuilder.hostCertificate(hostKey)
                .serial((random.nextLong() & Long.MAX_VALUE) | 1)
                .keyId("keyless-host:" + team + ":" + server.name())
                .principals(principals)
                .validAfter(now.minus(backdate))
                .validBefore(now.plus(hostCertificateTtl))
                .random(random)
                .sign(cas.signer(team, CaKind.HOST))
                .toLine();
    }

    private TargetServer server(String team, String name) {
        long version = db.read(c -> TeamService.configVersion(c, team));
        return servers.find(team, version, name)
                .orElseThrow(
                        () -> new KeylessException(ProblemType.SERVER_NOT_FOUND, "No server named '" + name + "'"));
    }

    /** The server, or empty for an unknown team or server: the enrolment answer must not differ. */
    private Optional<TargetServer> knownServer(String team, String name) {
        long version;
        try {
            version = db.read(c -> TeamService.configVersion(c, team));
        } catch (KeylessException unknownTeam) {
            return Optional.empty();
        }
        return servers.find(team, version, name);
    }

    private static String name(String server) {
        try {
            return Names.server("server", server);
        } catch (InvalidNameException e) {
            throw KeylessException.invalid(e.field(), e.getMessage());
        }
    }

    /** A parsed key whose stored line fits its column ({@code agent}: 512, {@code host}: 2048). */
    private static SshPublicKey key(String field, String line, int maxChars) {
        if (line == null) {
            throw KeylessException.invalid(field, "is required");
        }
        SshPublicKey key;
        try {
            key = SshPublicKeys.parse(line);
        } catch (PublicKeyRejectedException e) {
            throw KeylessException.invalid(field, e.getMessage());
        }
        // Stored without its comment, so only the key itself must fit the column.
        if (key.withComment("").toLine().length() > maxChars) {
            throw KeylessException.invalid(field, "must be at most " + maxChars + " characters without its comment");
        }
        return key;
    }

    private static KeylessException invalidToken() {
        return new KeylessException(
                ProblemType.ENROLLMENT_TOKEN_INVALID,
                "The enrolment token is unknown, already used, expired, or for another server; ask an admin for a new"
                        + " one");
    }
}

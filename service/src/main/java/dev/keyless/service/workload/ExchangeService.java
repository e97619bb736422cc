package dev.keyless.service.workload;

import dev.keyless.protocol.AuditEventType;
import dev.keyless.protocol.AuditRequests.AuditEvent;
import dev.keyless.protocol.ProblemType;
import dev.keyless.protocol.WorkloadRequests.AccessToken;
import dev.keyless.protocol.WorkloadRequests.Authenticate;
import dev.keyless.service.accesstoken.AccessTokenRequest;
import dev.keyless.service.accesstoken.AccessTokenVerifier;
import dev.keyless.service.accesstoken.IssuedAccessToken;
import dev.keyless.service.audit.AuditEntry;
import dev.keyless.service.audit.AuditService;
import dev.keyless.service.connection.ConnectionKeys;
import dev.keyless.service.connection.ConnectionService;
import dev.keyless.service.connection.WorkloadConnection;
import dev.keyless.service.db.DatabaseUnavailableException;
import dev.keyless.service.db.Db;
import dev.keyless.service.metrics.KeylessMetrics;
import dev.keyless.service.name.InvalidNameException;
import dev.keyless.service.name.Names;
import dev.keyless.service.platformtoken.PlatformTokenVerifier;
import dev.keyless.service.platformtoken.ReplayGuard;
import dev.keyless.service.platformtoken.RunClaims;
import dev.keyless.service.platformtoken.TokenCheck;
import dev.keyless.service.platformtoken.TokenRejectedException;
import dev.keyless.service.platformtoken.VerifiedToken;
import dev.keyless.service.platformtoken.jwks.TokenVerificationException;
import dev.keyless.service.policy.PolicyEngine;
import dev.keyless.service.policy.PolicyRules;
import dev.keyless.service.policy.PolicyService;
import dev.keyless.service.problem.KeylessException;
import dev.keyless.service.problem.Rejection;
import dev.keyless.service.ratelimit.RateLimits;
import dev.keyless.service.role.RoleMatcher;
import dev.keyless.service.role.RoleService;
import dev.keyless.service.role.WorkloadRole;
import dev.keyless.service.team.TeamService;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The token exchange: a platform token in, a short-lived access token out. One class owns the
 * order of the checks; each refusal is audited with its reason slug and answered with a problem
 * that names the check, never the token or the values it carried.
 */
@Singleton
public class ExchangeService {
    private final TeamService teams;
    private final ConnectionService connections;
    private final ConnectionKeys keys;
    private final RoleService roles;
    private final PolicyService policies;
    private final ReplayGuard replay;
    private final AccessTokens accessTokens;
    private final AuditService audit;
    private final PlatformTokenVerifier verifier;
    private final Clock clock;
    private final Db db;
    private final KeylessMetrics metrics;
    private final RateLimits limits;

    ExchangeService(
            TeamService teams,
            ConnectionService connections,
            ConnectionKeys keys,
            RoleService roles,
            PolicyService policies,
            ReplayGuard replay,
            AccessTokens accessTokens,
            AuditService audit,
            Clock clock,
            Db db,
            KeylessMetrics metrics,
            RateLimits limits) {
        this.teams = teams;
        this.connections = connections;
        this.keys = keys;
        this.roles = roles;
        this.policies = policies;
        this.replay = replay;
        this.accessTokens = accessTokens;
        this.audit = audit;
        this.clock = clock;
        this.db = db;
        this.metrics = metrics;
        this.limits = limits;
        this.verifier = new PlatformTokenVerifier();
    }

    /** The facts gathered so far, for the audit event of a refusal. */
    private static final class Attempt {
        String connection;
        /** The connection's name once it is known to exist: a metrics label a client cannot mint. */
        String knownConnection = KeylessMetrics.UNKNOWN;

        VerifiedToken token;
        String role;
    }

    public AccessToken authenticate(String team, Authenticate request, String clientIp) {
        long version = teams.configVersion(team);
        Attempt attempt = new Attempt();
        try {
            AccessToken issued = exchange(team, version, request, attempt, clientIp);
            metrics.exchange(team, attempt.knownConnection, null);
            return issued;
        } catch (DatabaseUnavailableException e) {
            throw e; // not a verdict on the token: nothing to audit, the client retries
        } catch (KeylessException | InvalidNameException | TokenRejectedException e) {
            refused(team, attempt, ((Rejection) e).problemType(), clientIp);
            throw e;
        } catch (TokenVerificationException e) {
            refused(team, attempt, e.problemType(), clientIp);
            throw new KeylessException(e.problemType(), e.getMessage());
        }
    }

    private AccessToken exchange(String team, long version, Authenticate request, Attempt attempt, String clientIp) {
        String connectionName = Names.connection("connection", request.connection());
        attempt.connection = connectionName;
        String hint = request.roleHint() == null ? null : Names.role("role_hint", request.roleHint());
        WorkloadConnection connection = connections
                .find(team, version, connectionName)
                .orElseThrow(() -> new KeylessException(
                        ProblemType.CONNECTION_NOT_FOUND, "No connection named '" + connectionName + "' in this team"));
        attempt.knownConnection = connection.name();
        limits.check(team, connection.name(), clientIp);
        if (!connection.isActive()) {
            throw KeylessException.inState(
                    ProblemType.CONNECTION_NOT_ACTIVE,
                    "Connection '" + connectionName + "' is " + connection.state() + ", not ACTIVE",
                    connection.state().name());
        }
        VerifiedToken verified = verify(request.token(), connection);
        attempt.token = verified;
        WorkloadRole role = pickRole(roles.all(team, version), connection, verified, hint);
        attempt.role = role.name();
        List<PolicyRules> rules = policies.rules(team, version);
        if (!PolicyEngine.roleHasAnyPolicy(role.name(), rules)) {
            throw new KeylessException(
                    ProblemType.ROLE_WITHOUT_POLICY, "Role '" + role.name() + "' is not granted by any policy");
        }
        Instant keepUntil = verified.expiresAt().plus(connection.clockSkew());
        Duration ttl = PolicyEngine.accessTokenTtl(role.name(), rules).orElseThrow();
        String runId = RunClaims.runId(verified.claims());
        // The replay row and the audit event commit together or not at all: a token is burned only
        // by an exchange that happened and was recorded. A lost race is retried by Db, and then finds
        // the winner's row: the correct token-replayed, not a server fault. A retry may also find
        // the row of its own earlier attempt, whose COMMIT took effect although its answer was lost
        // with the link (a database node dying just then): that attempt's audit event says so, and
        // its token is the one this exchange issued.
        AtomicReference<Exchanged> earlier = new AtomicReference<>();
        IssuedAccessToken issued = db.write(c -> {
            if (!replay.firstUse(team, verified.replayKey(), keepUntil)) {
                Exchanged before = earlier.get();
                if (before != null && audit.isRecorded(before.event())) {
                    return before.token();
                }
                throw new KeylessException(
                        ProblemType.TOKEN_REPLAYED, "This platform token was exchanged before; fetch a fresh one");
            }
            IssuedAccessToken minted = accessTokens
                    .issuer()
                    .issue(new AccessTokenRequest(
                            team,
                            connection.name(),
                            role.name(),
                            verified.subject(),
                            connection.generation(),
                            role.generation(),
                            runId,
                            ttl));
            AuditEvent event = audit.record(AuditEntry.of(team, AuditEventType.WORKLOAD_AUTHENTICATE)
                    .actor("workload", verified.subject())
                    .connection(connection.name())
                    .role(role.name())
                    .subject(verified.subject())
                    .claims(RunClaims.audited(verified.claims()))
                    .clientIp(clientIp)
                    .token(minted.claims().tokenId(), ttl.toSeconds()));
            earlier.set(new Exchanged(minted, event));
            return minted;
        });
        return new AccessToken(issued.token(), "Bearer", ttl.toSeconds(), role.name(), role.principal());
    }

    /** An attempt's token and the audit event that commits with it. */
    private record Exchanged(IssuedAccessToken token, AuditEvent event) {}

    private static WorkloadRole pickRole(
            List<WorkloadRole> all, WorkloadConnection connection, VerifiedToken token, String hint) {
        List<WorkloadRole> matching = RoleMatcher.matching(all, connection.name(), token.claims());
        if (hint != null) {
            return matching.stream()
                    .filter(r -> r.name().equals(hint))
                    .findFirst()
                    .orElseThrow(() -> new KeylessException(
                            ProblemType.ROLE_HINT_MISMATCH,
                            "The token does not satisfy role '" + hint + "' of connection '" + connection.name() + "'",
                            null,
                            hint,
                            null,
                            null));
        }
        if (matching.isEmpty()) {
            throw new KeylessException(
                    ProblemType.ROLE_NOT_MATCHED,
                    "No role of connection '" + connection.name() + "' matches the token's claims");
        }
        if (matching.size() > 1) {
            List<String> names = matching.stream().map(WorkloadRole::name).toList();
            throw new KeylessException(
                    ProblemType.ROLE_AMBIGUOUS,
                    "Roles " + names + " all match; send role_hint to choose one",
                    null,
                    String.join(",", names),
                    null,
                    null);
        }
        return matching.get(0);
    }

    private void refused(String team, Attempt attempt, ProblemType reason, String clientIp) {
        metrics.exchange(team, attempt.knownConnection, reason.slug());
        if (reason == ProblemType.RATE_LIMITED) {
            return; // counted, not audited: a flood must not become a flood of audit rows
        }
        AuditEntry entry = AuditEntry.of(team, AuditEventType.WORKLOAD_AUTHENTICATE)
                .failure(reason.slug())
                .connection(attempt.connection)
                .role(attempt.role)
                .clientIp(clientIp);
        if (attempt.token != null) {
            entry.actor("workload", attempt.token.subject())
                    .subject(attempt.token.subject())
                    .claims(RunClaims.audited(attempt.token.claims()));
        } else {
            entry.actor("workload", null);
        }
        audit.record(entry);
    }

    /**
     * The platform token through {@link PlatformTokenVerifier}, which owns every check of its shape
     * and size. A Keyless access token offered instead is named as such; it always fails a check
     * (its key is in no platform's key set), so its header is only read on that cold path.
     */
    private VerifiedToken verify(String token, WorkloadConnection connection) {
        try {
            return verifier.verify(token, keys.settingsOf(connection), keys.keysOf(connection), clock.instant());
        } catch (TokenRejectedException e) {
            if (e.check() != TokenCheck.SIZE && AccessTokenVerifier.looksLikeAccessToken(token)) {
                throw accessTokenOffered();
            }
            throw e;
        } catch (TokenVerificationException e) {
            if (AccessTokenVerifier.looksLikeAccessToken(token)) {
                throw accessTokenOffered();
            }
            throw e;
        }
    }

    private static KeylessException accessTokenOffered() {
        return new KeylessException(
                ProblemType.TOKEN_IS_ACCESS_TOKEN,
                "This is a Keyless access token; exchange the platform's own OIDC token instead");
    }
}

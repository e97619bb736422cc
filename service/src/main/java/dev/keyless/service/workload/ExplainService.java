package dev.keyless.service.workload;

import dev.keyless.protocol.AuditEventType;
import dev.keyless.protocol.ConnectionRequests.CheckResult;
import dev.keyless.protocol.ProblemType;
import dev.keyless.protocol.WorkloadQueries.ExplainReport;
import dev.keyless.protocol.WorkloadQueries.ExplainRequest;
import dev.keyless.service.accesstoken.AccessTokenVerifier;
import dev.keyless.service.audit.AuditEntry;
import dev.keyless.service.audit.AuditService;
import dev.keyless.service.claims.ClaimMismatch;
import dev.keyless.service.connection.ConnectionKeys;
import dev.keyless.service.connection.ConnectionService;
import dev.keyless.service.connection.WorkloadConnection;
import dev.keyless.service.name.Names;
import dev.keyless.service.platformtoken.PlatformTokenVerifier;
import dev.keyless.service.platformtoken.ReplayGuard;
import dev.keyless.service.platformtoken.TokenReport;
import dev.keyless.service.platformtoken.VerifiedToken;
import dev.keyless.service.policy.PolicyEngine;
import dev.keyless.service.policy.PolicyService;
import dev.keyless.service.problem.KeylessException;
import dev.keyless.service.ratelimit.RateLimits;
import dev.keyless.service.role.RoleMatcher;
import dev.keyless.service.role.RoleService;
import dev.keyless.service.role.WorkloadRole;
import dev.keyless.service.team.TeamService;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * {@code explain} for the workload itself, without an admin token: which of the presented
 * platform token's own checks pass at a connection, in the exchange's order. It issues nothing and
 * does not consume the token (the replay row is only read), so it cannot stand in for an exchange
 * or burn a job's token.
 *
 * <p>What it never tells, so that it is no oracle for other teams or other roles: claim checks of
 * a token whose signature did not verify (a forged token could otherwise probe the connection's
 * required claims); anything about roles unless every connection check passed; the conditions of
 * a role other than the one hinted; expected values of role conditions (only the names of the
 * claims that failed). Rate-limited per client and team, and audited as {@code workload.explain}.
 */
@Singleton
final class ExplainService {
    /** Checks that come before the signature is known to hold: safe to report for any token. */
    private static final Set<String> UNSIGNED_CHECKS =
            Set.of("size", "structure", "algorithm", "header", "key", "signature");

    private final TeamService teams;
    private final ConnectionService connections;
    private final ConnectionKeys keys;
    private final RoleService roles;
    private final PolicyService policies;
    private final ReplayGuard replay;
    private final AuditService audit;
    private final RateLimits limits;
    private final Clock clock;
    private final PlatformTokenVerifier verifier = new PlatformTokenVerifier();

    ExplainService(
            TeamService teams,
            ConnectionService connections,
            ConnectionKeys keys,
            RoleService roles,
            PolicyService policies,
            ReplayGuard replay,
            AuditService audit,
            RateLimits limits,
            Clock clock) {
        this.teams = teams;
        this.connections = connections;
        this.keys = keys;
        this.roles = roles;
        this.policies = policies;
        this.replay = replay;
        this.audit = audit;
        this.limits = limits;
        this.clock = clock;
    }

    ExplainReport explain(String team, ExplainRequest request, String clientIp) {
        long version = teams.configVersion(team);
        limits.checkExplain(team, clientIp);
        String connectionName = Names.connection("connection", request.connection());
        String hint = request.roleHint() == null ? null : Names.role("role_hint", request.roleHint());
        String token = request.token();
        if (token == null || token.isEmpty()) {
            throw KeylessException.invalid("token", "is required");
        }
        PlatformTokenVerifier.checkSize(token);
        if (AccessTokenVerifier.looksLikeAccessToken(token)) {
            throw new KeylessException(
                    ProblemType.TOKEN_IS_ACCESS_TOKEN,
                    "This is a Keyless access token; explain the platform's own OIDC token instead");
        }
        WorkloadConnection connection = connections
                .find(team, version, connectionName)
                .orElseThrow(() -> new KeylessException(
                        ProblemType.CONNECTION_NOT_FOUND, "No connection named '" + connectionName + "' in this team"));
        Instant now = clock.instant();
        TokenReport report = verifier.report(token, keys.settingsOf(connection), keys.keysOf(connection), now);
        List<CheckResult> checks = new ArrayList<>();
        checks.add(new CheckResult(
                "connection-state",
                connection.isActive(),
                connection.isActive() ? "ACTIVE" : connection.state() + ": tokens are refused until it is ACTIVE"));
        Optional<VerifiedToken> verified = Optional.empty();
        if (report.verifiedClaims().isEmpty()) {
            report.checks().stream()
                    .filter(c -> UNSIGNED_CHECKS.contains(c.check()))
                    .forEach(checks::add);
            checks.add(new CheckResult("claims", false, "not checked: the signature did not verify"));
        } else {
            checks.addAll(report.checks());
            if (report.valid()) {
                verified =
                        Optional.of(verifier.verify(token, keys.settingsOf(connection), keys.keysOf(connection), now));
            }
        }
        List<String> matching = new ArrayList<>();
        verified.ifPresent(v -> {
            boolean used = replay.seen(v.replayKey());
            checks.add(new CheckResult(
                    "replay",
                    !used,
                    used
                            ? "this token was exchanged already; use the access token from that exchange"
                                    + " (KEYLESS_TOKEN) or fetch a fresh platform token"
                            : "not exchanged yet (explain does not consume it)"));
            roleChecks(team, version, connection, v, hint, checks, matching);
        });
        boolean ready = checks.stream().allMatch(CheckResult::passed) && matching.size() == 1;
        AuditEntry entry = AuditEntry.of(team, AuditEventType.WORKLOAD_EXPLAIN)
                .connection(connectionName)
                .role(hint)
                .clientIp(clientIp)
                .detail("ready", Boolean.toString(ready));
        verified.ifPresentOrElse(
                v -> entry.actor("workload", v.subject()).subject(v.subject()), () -> entry.actor("workload", null));
        audit.record(entry);
        return new ExplainReport(connectionName, ready, checks, matching);
    }

    private void roleChecks(
            String team,
            long version,
            WorkloadConnection connection,
            VerifiedToken token,
            String hint,
            List<CheckResult> checks,
            List<String> matching) {
        List<WorkloadRole> all = roles.all(team, version);
        if (hint != null) {
            Optional<WorkloadRole> role = all.stream()
                    .filter(r -> r.name().equals(hint) && r.connection().equals(connection.name()))
                    .findFirst();
            List<ClaimMismatch> failed =
                    role.map(r -> r.conditions().mismatches(token.claims())).orElse(List.of());
            boolean holds = role.isPresent() && failed.isEmpty();
            checks.add(new CheckResult(
                    "role:" + hint,
                    holds,
                    holds
                            ? "all conditions hold"
                            : role.isEmpty()
                                    ? "no role '" + hint + "' of this connection"
                                    : "claims that do not match: "
                                            + failed.stream()
                                                    .map(ClaimMismatch::claim)
                                                    .collect(Collectors.joining(", "))));
            if (holds) {
                matching.add(hint);
            }
        } else {
            RoleMatcher.matching(all, connection.name(), token.claims()).forEach(r -> matching.add(r.name()));
            checks.add(new CheckResult(
                    "role-match",
                    matching.size() == 1,
                    matching.isEmpty()
                            ? ProblemType.ROLE_NOT_MATCHED.title()
                            : matching.size() == 1
                                    ? "role " + matching.get(0)
                                    : "several roles match " + matching + "; pass --role to choose one"));
        }
        if (matching.size() == 1) {
            boolean granted = PolicyEngine.roleHasAnyPolicy(matching.get(0), policies.rules(team, version));
            checks.add(new CheckResult(
                    "role-policy", granted, granted ? "granted by a policy" : ProblemType.ROLE_WITHOUT_POLICY.title()));
        }
    }
}

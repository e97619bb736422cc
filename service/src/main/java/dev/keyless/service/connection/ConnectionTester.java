package dev.keyless.service.connection;

import dev.keyless.protocol.AuditEventType;
import dev.keyless.protocol.ConnectionRequests.CheckResult;
import dev.keyless.protocol.ConnectionRequests.TestToken;
import dev.keyless.protocol.ConnectionRequests.ValidationReport;
import dev.keyless.protocol.ProblemType;
import dev.keyless.service.audit.AuditEntry;
import dev.keyless.service.audit.AuditService;
import dev.keyless.service.caller.AdminPrincipal;
import dev.keyless.service.claims.ClaimMismatch;
import dev.keyless.service.platformtoken.PlatformTokenVerifier;
import dev.keyless.service.platformtoken.TokenReport;
import dev.keyless.service.problem.KeylessException;
import dev.keyless.service.role.RoleService;
import dev.keyless.service.role.WorkloadRole;
import dev.keyless.service.team.TeamService;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Tests a token against a connection in any state and reports every check and every role of the
 * connection; issues nothing and does not consume the token.
 */
@Singleton
final class ConnectionTester {
    private final TeamService teams;
    private final ConnectionService connections;
    private final ConnectionKeys keys;
    private final RoleService roles;
    private final AuditService audit;
    private final Clock clock;
    private final PlatformTokenVerifier verifier = new PlatformTokenVerifier();

    ConnectionTester(
            TeamService teams,
            ConnectionService connections,
            ConnectionKeys keys,
            RoleService roles,
            AuditService audit,
            Clock clock) {
        this.teams = teams;
        this.connections = connections;
        this.keys = keys;
        this.roles = roles;
        this.audit = audit;
        this.clock = clock;
    }

    ValidationReport test(AdminPrincipal by, String name, TestToken request) {
        if (request.token() == null || request.token().isEmpty()) {
            throw KeylessException.invalid("token", "is required");
        }
        long version = teams.configVersion(by.team());
        WorkloadConnection connection = connections
                .find(by.team(), version, name)
                .orElseThrow(() -> KeylessException.notFound("connection", name));
        TokenReport report =
                verifier.report(request.token(), keys.settingsOf(connection), keys.keysOf(connection), clock.instant());
        List<CheckResult> checks = new ArrayList<>(report.checks());
        List<String> matching = new ArrayList<>();
        report.verifiedClaims()
                .ifPresent(claims -> roleChecks(by.team(), version, connection, claims, checks, matching));
        checks.add(new CheckResult(
                "connection-state",
                connection.isActive(),
                connection.isActive() ? "ACTIVE" : connection.state() + ": tokens are refused until it is ACTIVE"));
        boolean valid = report.valid() && connection.isActive() && matching.size() == 1;
        audit.record(AuditEntry.of(by.team(), AuditEventType.CONNECTION_TEST)
                .by(by)
                .connection(name)
                .detail("valid", Boolean.toString(valid)));
        return new ValidationReport(name, valid, checks, matching);
    }

    private void roleChecks(
            String team,
            long version,
            WorkloadConnection connection,
            Map<String, Object> claims,
            List<CheckResult> checks,
            List<String> matching) {
        for (WorkloadRole role : roles.all(team, version)) {
            if (!role.connection().equals(connection.name())) {
                continue;
            }
            List<ClaimMismatch> failed = role.conditions().mismatches(claims);
            if (failed.isEmpty()) {
                matching.add(role.name());
            }
            checks.add(new CheckResult(
                    "role:" + role.name(),
                    failed.isEmpty(),
                    failed.isEmpty()
                            ? "all conditions hold"
                            : failed.stream()
                                    .map(m -> m.claim() + " must match " + m.expected())
                                    .collect(Collectors.joining("; "))));
        }
        if (matching.isEmpty()) {
            checks.add(new CheckResult("role-match", false, ProblemType.ROLE_NOT_MATCHED.title()));
        }
    }
}

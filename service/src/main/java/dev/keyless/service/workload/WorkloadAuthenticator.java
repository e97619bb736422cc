package dev.keyless.service.workload;

import dev.keyless.protocol.ProblemType;
import dev.keyless.service.access.AccessClaims;
import dev.keyless.service.access.AccessTokenRejectedException;
import dev.keyless.service.admin.PathTeam;
import dev.keyless.service.connection.ConnectionService;
import dev.keyless.service.connection.WorkloadConnection;
import dev.keyless.service.problem.KeylessException;
import dev.keyless.service.role.RoleService;
import dev.keyless.service.team.TeamService;
import io.micronaut.core.convert.ArgumentConversionContext;
import io.micronaut.core.type.Argument;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.bind.binders.TypedRequestArgumentBinder;
import jakarta.inject.Singleton;
import java.util.Optional;
import java.util.function.Function;

/**
 * Lets a controller take a {@link WorkloadPrincipal}: the access token is verified, and its
 * connection and role generations are checked against the current configuration, so that
 * deactivating a connection or deleting a role or policy cuts off every token issued before.
 */
@Singleton
final class WorkloadPrincipalBinder implements TypedRequestArgumentBinder<WorkloadPrincipal> {
    private final AccessTokens accessTokens;
    private final TeamService teams;
    private final ConnectionService connections;
    private final RoleService roles;

    WorkloadPrincipalBinder(
            AccessTokens accessTokens, TeamService teams, ConnectionService connections, RoleService roles) {
        this.accessTokens = accessTokens;
        this.teams = teams;
        this.connections = connections;
        this.roles = roles;
    }

    @Override
    public Argument<WorkloadPrincipal> argumentType() {
        return Argument.of(WorkloadPrincipal.class);
    }

    @Override
    public BindingResult<WorkloadPrincipal> bind(
            ArgumentConversionContext<WorkloadPrincipal> context, HttpRequest<?> source) {
        WorkloadPrincipal principal =
                authenticate(PathTeam.of(source), source.getHeaders().get(HttpHeaders.AUTHORIZATION));
        return () -> Optional.of(principal);
    }

    WorkloadPrincipal authenticate(String team, String authorization) {
        AccessClaims claims =
                claims(authorization, token -> accessTokens.verifier().verify(token, team));
        long version = teams.configVersion(team);
        boolean connectionCurrent = connections
                .find(team, version, claims.connection())
                .filter(WorkloadConnection::isActive)
                .filter(c -> c.generation() == claims.connectionGeneration())
                .isPresent();
        boolean roleCurrent = roles.all(team, version).stream()
                .anyMatch(r -> r.name().equals(claims.role()) && r.generation() == claims.roleGeneration());
        if (!connectionCurrent || !roleCurrent) {
            throw new KeylessException(
                    ProblemType.ACCESS_TOKEN_REVOKED,
                    connectionCurrent
                            ? "The role this access token was issued for was changed or removed"
                            : "The connection this access token was issued under was deactivated or removed");
        }
        return principal(team, claims, version);
    }

    /** For closing the token's own sessions: expiry and retired generations do not matter. */
    WorkloadPrincipal authenticateForClose(String team, String authorization) {
        AccessClaims claims =
                claims(authorization, token -> accessTokens.verifier().verifyIgnoringExpiry(token, team));
        return principal(team, claims, teams.configVersion(team));
    }

    private static AccessClaims claims(String authorization, Function<String, AccessClaims> verify) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            throw new KeylessException(
                    ProblemType.ACCESS_TOKEN_INVALID, "Send the access token as 'Authorization: Bearer <token>'");
        }
        try {
            return verify.apply(authorization.substring(7).trim());
        } catch (AccessTokenRejectedException e) {
            throw new KeylessException(e.problemType(), e.getMessage());
        }
    }

    private static WorkloadPrincipal principal(String team, AccessClaims claims, long version) {
        return new WorkloadPrincipal(
                team,
                claims.connection(),
                claims.role(),
                claims.subject(),
                claims.tokenId(),
                claims.runId(),
                claims.expiresAt(),
                version);
    }
}

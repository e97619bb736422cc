package dev.keyless.service.workload;

import dev.keyless.protocol.ProblemType;
import dev.keyless.service.accesstoken.AccessClaims;
import dev.keyless.service.connection.ConnectionService;
import dev.keyless.service.connection.WorkloadConnection;
import dev.keyless.service.problem.KeylessException;
import dev.keyless.service.role.RoleService;
import dev.keyless.service.team.TeamService;
import jakarta.inject.Singleton;
import java.util.function.Function;

/**
 * Turns a {@link WorkloadBearer} into a {@link WorkloadPrincipal}: the access token is verified,
 * and its connection and role generations are checked against the current configuration, so that
 * deactivating a connection or deleting a role or policy cuts off every token issued before.
 */
@Singleton
public final class WorkloadAuthenticator {
    private final AccessTokens accessTokens;
    private final TeamService teams;
    private final ConnectionService connections;
    private final RoleService roles;

    WorkloadAuthenticator(
            AccessTokens accessTokens, TeamService teams, ConnectionService connections, RoleService roles) {
        this.accessTokens = accessTokens;
        this.teams = teams;
        this.connections = connections;
        this.roles = roles;
    }

    /** A workload with a live access token whose connection and role are still current. */
    public WorkloadPrincipal authenticate(WorkloadBearer bearer) {
        String team = bearer.team();
        AccessClaims claims =
                claims(bearer.authorization(), token -> accessTokens.verifier().verify(token, team));
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

    /**
     * A workload allowed to end its own sessions: its access token verifies but may have expired,
     * and its connection or role may have been retired since. Ending a session only takes access
     * away, so a job that outlived its access token can still clean up.
     */
    public WorkloadPrincipal authenticateForClose(WorkloadBearer bearer) {
        String team = bearer.team();
        AccessClaims claims =
                claims(bearer.authorization(), token -> accessTokens.verifier().verifyIgnoringExpiry(token, team));
        return principal(team, claims, teams.configVersion(team));
    }

    private static AccessClaims claims(String authorization, Function<String, AccessClaims> verify) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            throw new KeylessException(
                    ProblemType.ACCESS_TOKEN_INVALID, "Send the access token as 'Authorization: Bearer <token>'");
        }
        return verify.apply(authorization.substring(7).trim());
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

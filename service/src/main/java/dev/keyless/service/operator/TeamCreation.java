package dev.keyless.service.operator;

import dev.keyless.protocol.AdminRequests.AdminCreated;
import dev.keyless.protocol.AdminRequests.CreateTeam;
import dev.keyless.protocol.AdminRequests.TeamCreated;
import dev.keyless.protocol.AdminRole;
import dev.keyless.protocol.AuditEventType;
import dev.keyless.protocol.ProblemType;
import dev.keyless.service.admin.AdminService;
import dev.keyless.service.admin.AdminTokens;
import dev.keyless.service.audit.AuditEntry;
import dev.keyless.service.audit.AuditService;
import dev.keyless.service.caller.AdminPrincipal;
import dev.keyless.service.config.KeylessSettings;
import dev.keyless.service.db.Db;
import dev.keyless.service.name.Names;
import dev.keyless.service.operator.TeamFounding.Founder;
import dev.keyless.service.problem.KeylessException;
import dev.keyless.service.team.TeamService;
import jakarta.inject.Singleton;
import java.security.SecureRandom;
import java.util.List;

/**
 * Creates a team with its user and host CAs and a first security admin, who is its own owner
 * (as the bootstrap admin is) and whose token is returned once. The creation is audited in the
 * new team's chain and, when a bootstrap-team admin made it, in the bootstrap team's too.
 */
@Singleton
class TeamCreation {
    static final String DEFAULT_ADMIN = "bootstrap";

    /** Who asked: the operator, or a security admin of the bootstrap team. */
    record Operator(String actorType, String actorId, AdminPrincipal admin) {}

    private final Db db;
    private final TeamFounding founding;
    private final AdminService admins;
    private final AuditService audit;
    private final TeamService teams;
    private final SecureRandom random;
    private final OperatorToken operatorToken;
    private final String bootstrapTeam;

    TeamCreation(
            Db db,
            TeamFounding founding,
            AdminService admins,
            AuditService audit,
            TeamService teams,
            SecureRandom random,
            OperatorToken operatorToken,
            KeylessSettings settings) {
        this.db = db;
        this.founding = founding;
        this.admins = admins;
        this.audit = audit;
        this.teams = teams;
        this.random = random;
        this.operatorToken = operatorToken;
        this.bootstrapTeam = settings.bootstrapTeam();
    }

    /** The operator token, else a security admin of the bootstrap team; refused otherwise. */
    Operator operator(String authorization) {
        String bearer = authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)
                ? authorization.substring(7).strip()
                : null;
        if (operatorToken.matches(bearer)) {
            return new Operator("operator", "operator", null);
        }
        AdminPrincipal admin;
        try {
            admin = admins.authenticate(bootstrapTeam, authorization);
        } catch (KeylessException e) {
            throw new KeylessException(
                    ProblemType.ADMIN_UNAUTHENTICATED,
                    "Teams are managed with the operator token (KEYLESS_OPERATOR_TOKEN) or the token of a"
                            + " security admin of the bootstrap team");
        }
        admin.require(AdminRole.SECURITY_ADMIN);
        return new Operator("admin", admin.team() + "/" + admin.name(), admin);
    }

    TeamCreated create(Operator by, CreateTeam request) {
        String team = Names.team("name", request.name());
        String adminName = Names.admin("admin", request.admin() == null ? DEFAULT_ADMIN : request.admin());
        if (AdminService.SYSTEM.equals(adminName)) {
            throw KeylessException.invalid("admin", "'" + AdminService.SYSTEM + "' is reserved");
        }
        String token = AdminTokens.generate(random);
        Founder founder = new Founder(
                adminName,
                AdminTokens.hash(token),
                AuditEntry.of(team, AuditEventType.TEAM_CREATE)
                        .actor(by.actorType(), by.actorId())
                        .detail("team", team)
                        .detail("admin", adminName));
        db.write(c -> {
            if (!founding.found(c, team, founder)) {
                throw new KeylessException(ProblemType.ALREADY_EXISTS, "A team named '" + team + "' already exists");
            }
            if (by.admin() != null) {
                audit.record(AuditEntry.of(by.admin().team(), AuditEventType.TEAM_CREATE)
                        .actor(by.actorType(), by.admin().name())
                        .detail("team", team)
                        .detail("admin", adminName));
            }
            return null;
        });
        return new TeamCreated(team, new AdminCreated(adminName, AdminRole.SECURITY_ADMIN.wireName(), token));
    }

    List<String> list(Operator by) {
        return teams.names();
    }
}

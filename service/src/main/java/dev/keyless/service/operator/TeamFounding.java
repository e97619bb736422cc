package dev.keyless.service.operator;

import dev.keyless.protocol.AdminRole;
import dev.keyless.service.admin.AdminService;
import dev.keyless.service.audit.AuditEntry;
import dev.keyless.service.audit.AuditService;
import dev.keyless.service.ca.CaKind;
import dev.keyless.service.ca.CaService;
import dev.keyless.service.team.TeamService;
import jakarta.inject.Singleton;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * The one way a team comes to exist: the team row, its first security admin (its own owner, made
 * by {@code system}), its user and host CAs, and the first event of its audit chain, all in the
 * caller's transaction. Used at first start ({@link Bootstrap}) and by {@code POST /v1/teams}
 * ({@link TeamCreation}).
 */
@Singleton
final class TeamFounding {
    private final TeamService teams;
    private final AdminService admins;
    private final CaService cas;
    private final AuditService audit;

    TeamFounding(TeamService teams, AdminService admins, CaService cas, AuditService audit) {
        this.teams = teams;
        this.admins = admins;
        this.cas = cas;
        this.audit = audit;
    }

    /** A new team's first security admin and the audit event that records the founding. */
    record Founder(String adminName, String tokenHash, AuditEntry event) {}

    /**
     * Creates {@code team} with {@code founder}'s admin and audit event unless it exists; either way
     * makes sure both its CAs exist (a start after a crash between the two finds the team).
     *
     * @return whether the team is new; when false, no admin was added and no event recorded
     */
    boolean found(Connection c, String team, Founder founder) throws SQLException {
        boolean fresh = teams.createIfAbsent(c, team);
        if (fresh) {
            admins.insert(
                    c, team, founder.adminName(), AdminRole.SECURITY_ADMIN, founder.tokenHash(), AdminService.SYSTEM);
        }
        cas.ensure(c, team, CaKind.USER);
        cas.ensure(c, team, CaKind.HOST);
        if (fresh) {
            audit.record(founder.event());
        }
        return fresh;
    }
}

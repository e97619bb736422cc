package dev.keyless.service.role;

import static dev.keyless.protocol.AdminRole.SECURITY_ADMIN;

import dev.keyless.protocol.AuditEventType;
import dev.keyless.protocol.ProblemType;
import dev.keyless.protocol.RoleRequests.RoleSpec;
import dev.keyless.protocol.RoleRequests.RoleView;
import dev.keyless.service.audit.AuditEntry;
import dev.keyless.service.audit.AuditService;
import dev.keyless.service.caller.AdminPrincipal;
import dev.keyless.service.claims.ClaimConditions;
import dev.keyless.service.claims.InvalidConditionException;
import dev.keyless.service.db.Db;
import dev.keyless.service.db.Generations;
import dev.keyless.service.name.Names;
import dev.keyless.service.problem.KeylessException;
import dev.keyless.service.team.TeamService;
import dev.keyless.service.team.VersionedCache;
import io.micronaut.context.event.ApplicationEventPublisher;
import jakarta.inject.Singleton;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.util.List;
import java.util.Map;

/** Workload roles (security admins only): a connection plus claim conditions. */
@Singleton
public class RoleService {
    public static final String GENERATION_KIND = "role";

    private final Db db;
    private final Clock clock;
    private final AuditService audit;
    private final ConnectionNames connections;
    private final ApplicationEventPublisher<RoleChanged> changes;
    private final VersionedCache<List<WorkloadRole>> cache = new VersionedCache<>();

    RoleService(
            Db db,
            Clock clock,
            AuditService audit,
            ConnectionNames connections,
            ApplicationEventPublisher<RoleChanged> changes) {
        this.db = db;
        this.connections = connections;
        this.clock = clock;
        this.audit = audit;
        this.changes = changes;
    }

    /** All roles of the team as of the configuration version. */
    public List<WorkloadRole> all(String team, long configVersion) {
        return cache.get(team, configVersion, () -> db.read(c -> RoleRepository.all(c, team)));
    }

    public RoleView create(AdminPrincipal by, RoleSpec spec) {
        by.require(SECURITY_ADMIN);
        WorkloadRole role = db.write(c -> {
            TeamService.configVersion(c, by.team());
            WorkloadRole r = validate(c, by.team(), spec, spec.name());
            r = withGeneration(r, Generations.next(c, by.team(), GENERATION_KIND, r.name()));
            if (!RoleRepository.insert(c, r)) {
                throw new KeylessException(
                        ProblemType.ALREADY_EXISTS, "A role named '" + r.name() + "' already exists");
            }
            TeamService.bumpConfigVersion(c, by.team());
            audit.record(event(by, AuditEventType.ROLE_CREATE, r));
            return r;
        });
        return role.view();
    }

    public RoleView get(AdminPrincipal by, String name) {
        by.require(SECURITY_ADMIN, dev.keyless.protocol.AdminRole.AUDITOR, dev.keyless.protocol.AdminRole.DEVOPS_ADMIN);
        return db.read(c -> RoleRepository.find(c, by.team(), name))
                .map(WorkloadRole::view)
                .orElseThrow(() -> KeylessException.notFound("role", name));
    }

    public List<RoleView> list(AdminPrincipal by) {
        return db.read(c -> RoleRepository.all(c, by.team())).stream()
                .map(WorkloadRole::view)
                .toList();
    }

    public RoleView update(AdminPrincipal by, String name, RoleSpec spec) {
        by.require(SECURITY_ADMIN);
        if (spec.name() != null && !spec.name().equals(name)) {
            throw KeylessException.invalid("name", "must be absent or equal to the name in the path");
        }
        WorkloadRole[] before = new WorkloadRole[1];
        WorkloadRole role = db.write(c -> {
            before[0] =
                    RoleRepository.find(c, by.team(), name).orElseThrow(() -> KeylessException.notFound("role", name));
            WorkloadRole r = validate(c, by.team(), spec, name);
            r = withGeneration(r, Generations.next(c, by.team(), GENERATION_KIND, name));
            RoleRepository.update(c, r);
            TeamService.bumpConfigVersion(c, by.team());
            audit.record(event(by, AuditEventType.ROLE_UPDATE, r));
            return r;
        });
        // Sessions were granted under the old connection and conditions; the workloads' tokens
        // are not kept, so they cannot be judged again: every session of the role ends.
        if (!before[0].connection().equals(role.connection())
                || !before[0].claims().equals(role.claims())) {
            changes.publishEvent(new RoleChanged(by.team(), name, by.name(), false));
        }
        return role.view();
    }

    public void delete(AdminPrincipal by, String name) {
        by.require(SECURITY_ADMIN);
        db.write(c -> {
            WorkloadRole r =
                    RoleRepository.find(c, by.team(), name).orElseThrow(() -> KeylessException.notFound("role", name));
            RoleRepository.delete(c, by.team(), name);
            Generations.next(c, by.team(), GENERATION_KIND, name);
            TeamService.bumpConfigVersion(c, by.team());
            audit.record(event(by, AuditEventType.ROLE_DELETE, r));
            return r;
        });
        changes.publishEvent(new RoleChanged(by.team(), name, by.name(), true));
    }

    private WorkloadRole validate(Connection c, String team, RoleSpec spec, String name) throws SQLException {
        String roleName;
        String connection;
        ClaimConditions conditions;
        Map<String, Object> claims = spec.claims() == null ? Map.of() : spec.claims();
        try {
            roleName = Names.role("name", name);
            connection = Names.connection("connection", spec.connection());
            conditions = ClaimConditions.parse(claims);
        } catch (InvalidConditionException e) {
            throw KeylessException.invalid("claims." + e.field(), e.getMessage());
        }
        if (!connections.exists(c, team, connection)) {
            throw KeylessException.invalid("connection", "no connection named '" + connection + "' in this team");
        }
        return new WorkloadRole(team, roleName, connection, claims, conditions, 0, clock.instant());
    }

    private static WorkloadRole withGeneration(WorkloadRole r, long generation) {
        return new WorkloadRole(
                r.team(), r.name(), r.connection(), r.claims(), r.conditions(), generation, r.updatedAt());
    }

    private static AuditEntry event(AdminPrincipal by, String type, WorkloadRole r) {
        return AuditEntry.of(by.team(), type).by(by).role(r.name()).connection(r.connection());
    }

    /** How many of the team's roles use the connection, inside the caller's transaction. */
    public static long countUsing(Connection c, String team, String connection) throws SQLException {
        return RoleRepository.countUsing(c, team, connection);
    }

    /**
     * Locks the role's row until the transaction ends (a certificate request serializes on it to
     * count the role's open sessions); false if there is no such role.
     */
    public static boolean lock(Connection c, String team, String name) throws SQLException {
        return RoleRepository.lock(c, team, name);
    }

    /** Moves the role to a new generation (its access tokens retire), inside the caller's transaction. */
    public static void setGeneration(Connection c, String team, String name, long generation) throws SQLException {
        RoleRepository.setGeneration(c, team, name, generation);
    }
}

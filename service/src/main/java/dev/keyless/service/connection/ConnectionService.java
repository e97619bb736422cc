package dev.keyless.service.connection;

import static dev.keyless.protocol.AdminRole.DEVOPS_ADMIN;
import static dev.keyless.protocol.AdminRole.SECURITY_ADMIN;

import dev.keyless.protocol.AdminRole;
import dev.keyless.protocol.AuditEventType;
import dev.keyless.protocol.ConnectionRequests.ConnectionSpec;
import dev.keyless.protocol.ConnectionRequests.ConnectionView;
import dev.keyless.protocol.ConnectionState;
import dev.keyless.protocol.ProblemType;
import dev.keyless.service.admin.AdminPrincipal;
import dev.keyless.service.audit.AuditEntry;
import dev.keyless.service.audit.AuditService;
import dev.keyless.service.db.Db;
import dev.keyless.service.db.Generations;
import dev.keyless.service.problem.KeylessException;
import dev.keyless.service.team.TeamService;
import dev.keyless.service.team.VersionedCache;
import io.micronaut.context.event.ApplicationEventPublisher;
import jakarta.inject.Singleton;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Workload connections and their governance: devops admins create and edit them in {@code DRAFT};
 * only a security admin other than the creator activates; once activated a devops admin can no
 * longer change or delete them; a security admin switches {@code ACTIVE <-> INACTIVE}, and every
 * deactivation or deletion invalidates the access tokens issued under the connection.
 */
@Singleton
public class ConnectionService {
    static final String GENERATION_KIND = "connection";

    private final Db db;
    private final Clock clock;
    private final AuditService audit;
    private final ConnectionSpecs specs;
    private final ApplicationEventPublisher<ConnectionRetired> retired;
    private final VersionedCache<Map<String, WorkloadConnection>> cache = new VersionedCache<>();

    ConnectionService(
            Db db,
            Clock clock,
            AuditService audit,
            ConnectionSpecs specs,
            ApplicationEventPublisher<ConnectionRetired> retired) {
        this.db = db;
        this.clock = clock;
        this.audit = audit;
        this.specs = specs;
        this.retired = retired;
    }

    /** The connection as of the given team configuration version (cached per version). */
    public Optional<WorkloadConnection> find(String team, long configVersion, String name) {
        return Optional.ofNullable(cache.get(
                        team,
                        configVersion,
                        () -> db.read(c -> ConnectionRepository.all(c, team).stream()
                                .collect(Collectors.toUnmodifiableMap(WorkloadConnection::name, Function.identity()))))
                .get(name));
    }

    public ConnectionView create(AdminPrincipal by, ConnectionSpec spec) {
        by.require(DEVOPS_ADMIN, SECURITY_ADMIN);
        ConnectionSettings settings = specs.normalize(spec);
        Instant now = clock.instant();
        WorkloadConnection created = db.write(c -> {
            TeamService.configVersion(c, by.team());
            long generation = Generations.next(c, by.team(), GENERATION_KIND, settings.name());
            WorkloadConnection w =
                    settings.toConnection(by.team(), ConnectionState.DRAFT, generation, by.name(), now, now);
            if (!ConnectionRepository.insert(c, w)) {
                throw new KeylessException(
                        ProblemType.ALREADY_EXISTS, "A connection named '" + settings.name() + "' already exists");
            }
            TeamService.bumpConfigVersion(c, by.team());
            return w;
        });
        audit.record(adminEvent(by, AuditEventType.CONNECTION_CREATE, created)
                .detail("content_hash", created.contentHash()));
        return created.view();
    }

    public ConnectionView get(AdminPrincipal by, String name) {
        return db.read(c -> ConnectionRepository.find(c, by.team(), name, false))
                .map(WorkloadConnection::view)
                .orElseThrow(() -> KeylessException.notFound("connection", name));
    }

    public List<ConnectionView> list(AdminPrincipal by) {
        return db.read(c -> ConnectionRepository.all(c, by.team())).stream()
                .map(WorkloadConnection::view)
                .toList();
    }

    public ConnectionView update(AdminPrincipal by, String name, ConnectionSpec spec) {
        by.require(DEVOPS_ADMIN, SECURITY_ADMIN);
        if (spec.name() != null && !spec.name().equals(name)) {
            throw KeylessException.invalid("name", "must be absent or equal to the name in the path");
        }
        ConnectionSettings settings = specs.normalize(withName(spec, name));
        WorkloadConnection[] before = new WorkloadConnection[1];
        WorkloadConnection after = db.write(c -> {
            WorkloadConnection current = lockForChange(c, by, name, "changed");
            before[0] = current;
            WorkloadConnection w = settings.toConnection(
                    by.team(),
                    current.state(),
                    current.generation(),
                    current.createdBy(),
                    current.createdAt(),
                    clock.instant());
            ConnectionRepository.update(c, w);
            TeamService.bumpConfigVersion(c, by.team());
            return w;
        });
        audit.record(adminEvent(by, AuditEventType.CONNECTION_UPDATE, after)
                .detail("old_content_hash", before[0].contentHash())
                .detail("new_content_hash", after.contentHash())
                .detail("state", after.state().name()));
        return after.view();
    }

    public void delete(AdminPrincipal by, String name) {
        by.require(DEVOPS_ADMIN, SECURITY_ADMIN);
        WorkloadConnection deleted = db.write(c -> {
            WorkloadConnection current = lockForChange(c, by, name, "deleted");
            long roles = Db.queryOne(
                            c,
                            "SELECT COUNT(*) FROM workload_role WHERE team = ? AND connection = ?",
                            rs -> rs.getLong(1),
                            by.team(),
                            name)
                    .orElse(0L);
            if (roles > 0) {
                throw new KeylessException(
                        ProblemType.RESOURCE_IN_USE,
                        roles + " role(s) still use connection '" + name + "'; delete them first");
            }
            ConnectionRepository.delete(c, by.team(), name);
            Generations.next(c, by.team(), GENERATION_KIND, name);
            TeamService.bumpConfigVersion(c, by.team());
            return current;
        });
        audit.record(adminEvent(by, AuditEventType.CONNECTION_DELETE, deleted)
                .detail("content_hash", deleted.contentHash()));
        retired.publishEvent(new ConnectionRetired(by.team(), name, by.name(), true));
    }

    public ConnectionView activate(AdminPrincipal by, String name) {
        by.require(SECURITY_ADMIN);
        return transition(by, name, ConnectionState.ACTIVE, AuditEventType.CONNECTION_ACTIVATE);
    }

    public ConnectionView deactivate(AdminPrincipal by, String name) {
        by.require(SECURITY_ADMIN);
        ConnectionView view = transition(by, name, ConnectionState.INACTIVE, AuditEventType.CONNECTION_DEACTIVATE);
        retired.publishEvent(new ConnectionRetired(by.team(), name, by.name(), false));
        return view;
    }

    private ConnectionView transition(AdminPrincipal by, String name, ConnectionState target, String eventType) {
        WorkloadConnection changed = db.write(c -> {
            WorkloadConnection current = ConnectionRepository.find(c, by.team(), name, true)
                    .orElseThrow(() -> KeylessException.notFound("connection", name));
            checkTransition(by, current, target);
            // Deactivation retires every access token issued so far, for good: a later
            // activation starts a new generation rather than restoring the old one.
            long generation = target == ConnectionState.INACTIVE
                    ? Generations.next(c, by.team(), GENERATION_KIND, name)
                    : current.generation();
            WorkloadConnection w = new WorkloadConnection(
                    current.team(),
                    current.name(),
                    current.provider(),
                    current.issuer(),
                    current.jwksUri(),
                    current.jwksPinned(),
                    current.audiences(),
                    current.algorithms(),
                    current.requiredClaims(),
                    current.maxTokenAge(),
                    current.clockSkew(),
                    target,
                    generation,
                    current.contentHash(),
                    current.createdBy(),
                    current.createdAt(),
                    clock.instant());
            ConnectionRepository.update(c, w);
            TeamService.bumpConfigVersion(c, by.team());
            return w;
        });
        audit.record(adminEvent(by, eventType, changed)
                .detail("content_hash", changed.contentHash())
                .detail("state", target.name()));
        return changed.view();
    }

    private static void checkTransition(AdminPrincipal by, WorkloadConnection current, ConnectionState target) {
        ConnectionState from = current.state();
        boolean allowed = target == ConnectionState.ACTIVE
                ? from == ConnectionState.DRAFT || from == ConnectionState.INACTIVE
                : from == ConnectionState.ACTIVE;
        if (!allowed) {
            throw KeylessException.inState(
                    ProblemType.INVALID_STATE_TRANSITION,
                    "Connection '" + current.name() + "' cannot move from " + from + " to " + target,
                    from.name());
        }
        if (target == ConnectionState.ACTIVE
                && from == ConnectionState.DRAFT
                && current.createdBy().equals(by.name())) {
            throw KeylessException.inState(
                    ProblemType.ADMIN_FORBIDDEN,
                    "The admin who created connection '" + current.name()
                            + "' cannot also activate it: another security admin must (separation of duties)",
                    from.name());
        }
    }

    /** Devops admins may change or delete only drafts; security admins anything. */
    private static WorkloadConnection lockForChange(Connection c, AdminPrincipal by, String name, String verb)
            throws SQLException {
        WorkloadConnection current = ConnectionRepository.find(c, by.team(), name, true)
                .orElseThrow(() -> KeylessException.notFound("connection", name));
        if (by.is(AdminRole.DEVOPS_ADMIN) && current.state() != ConnectionState.DRAFT) {
            throw KeylessException.inState(
                    ProblemType.CONNECTION_LOCKED,
                    "Connection '" + name + "' is " + current.state() + ": only a security admin may have it " + verb,
                    current.state().name());
        }
        return current;
    }

    private static ConnectionSpec withName(ConnectionSpec s, String name) {
        return new ConnectionSpec(
                name,
                s.provider(),
                s.issuer(),
                s.jwksUri(),
                s.jwks(),
                s.audiences(),
                s.algorithms(),
                s.requiredClaims(),
                s.maxTokenAgeSeconds(),
                s.clockSkewSeconds());
    }

    private static AuditEntry adminEvent(AdminPrincipal by, String type, WorkloadConnection w) {
        return AuditEntry.of(by.team(), type).actor("admin", by.name()).connection(w.name());
    }
}

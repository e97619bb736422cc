package dev.keyless.service.server;

import static dev.keyless.protocol.AdminRole.DEVOPS_ADMIN;
import static dev.keyless.protocol.AdminRole.SECURITY_ADMIN;

import dev.keyless.protocol.AuditEventType;
import dev.keyless.protocol.Problem.FieldError;
import dev.keyless.protocol.ProblemType;
import dev.keyless.protocol.ServerRequests.ServerSpec;
import dev.keyless.protocol.ServerRequests.ServerView;
import dev.keyless.service.admin.AdminPrincipal;
import dev.keyless.service.audit.AuditEntry;
import dev.keyless.service.audit.AuditService;
import dev.keyless.service.db.Db;
import dev.keyless.service.db.Json;
import dev.keyless.service.policy.InvalidNameException;
import dev.keyless.service.policy.Names;
import dev.keyless.service.policy.PolicyChanged;
import dev.keyless.service.problem.KeylessException;
import dev.keyless.service.team.TeamService;
import dev.keyless.service.team.VersionedCache;
import io.micronaut.context.event.ApplicationEventPublisher;
import jakarta.inject.Singleton;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;

/** Target servers of a team. */
@Singleton
public class ServerService {
    private static final int MAX_LABELS = 32;

    private final Db db;
    private final Clock clock;
    private final AuditService audit;
    private final VersionedCache<Map<String, TargetServer>> cache = new VersionedCache<>();

    private final ApplicationEventPublisher<PolicyChanged> accessChanges;

    ServerService(Db db, Clock clock, AuditService audit, ApplicationEventPublisher<PolicyChanged> accessChanges) {
        this.db = db;
        this.clock = clock;
        this.audit = audit;
        this.accessChanges = accessChanges;
    }

    public Optional<TargetServer> find(String team, long configVersion, String name) {
        return Optional.ofNullable(byName(team, configVersion).get(name));
    }

    /** Every server of the team at {@code configVersion}, by name. */
    public List<TargetServer> all(String team, long configVersion) {
        return byName(team, configVersion).values().stream()
                .sorted(java.util.Comparator.comparing(TargetServer::name))
                .toList();
    }

    private Map<String, TargetServer> byName(String team, long configVersion) {
        return cache.get(team, configVersion, () -> db
                .read(c -> Db.query(
                        c,
                        "SELECT team, name, address, port, labels, created_at FROM server WHERE team = ?",
                        ServerService::map,
                        team))
                .stream()
                .collect(Collectors.toUnmodifiableMap(TargetServer::name, Function.identity())));
    }

    /**
     * The team's servers that carry every label of {@code labels} with an equal value, by name;
     * the caller validates the selector.
     */
    public List<TargetServer> withLabels(String team, Map<String, String> labels) {
        return db
                .read(c -> Db.query(
                        c,
                        "SELECT team, name, address, port, labels, created_at FROM server WHERE team = ? ORDER BY name",
                        ServerService::map,
                        team))
                .stream()
                .filter(server -> labels.entrySet().stream().allMatch(label -> label.getValue()
                        .equals(server.labels().get(label.getKey()))))
                .toList();
    }

    public ServerView create(AdminPrincipal by, ServerSpec spec) {
        by.require(DEVOPS_ADMIN, SECURITY_ADMIN);
        TargetServer server = validate(by.team(), spec);
        boolean created = db.write(c -> {
            TeamService.configVersion(c, by.team());
            boolean inserted = Db.insertIfAbsent(
                    c,
                    "INSERT INTO server (team, name, address, port, labels, created_at) VALUES (?, ?, ?, ?, ?, ?)",
                    server.team(),
                    server.name(),
                    server.address(),
                    server.port(),
                    Json.write(server.labels()),
                    server.createdAt());
            if (inserted) {
                TeamService.bumpConfigVersion(c, by.team());
                audit.record(AuditEntry.of(by.team(), AuditEventType.SERVER_CREATE)
                        .actor("admin", by.name())
                        .server(server.name())
                        .detail("address", server.address()));
            }
            return inserted;
        });
        if (!created) {
            throw new KeylessException(
                    ProblemType.ALREADY_EXISTS, "A server named '" + server.name() + "' already exists");
        }
        return server.view();
    }

    /**
     * Changes a server's address, port and labels (the name is the path's). Live sessions whose
     * role loses access through changed labels are revoked, as after a policy change; sessions that
     * keep access keep running (their certificate names the principal, not the address).
     */
    public ServerView update(AdminPrincipal by, String name, ServerSpec spec) {
        by.require(DEVOPS_ADMIN, SECURITY_ADMIN);
        if (spec.name() != null && !spec.name().equals(name)) {
            throw KeylessException.invalid("name", "a server cannot be renamed; delete it and create another");
        }
        TargetServer server = validate(by.team(), new ServerSpec(name, spec.address(), spec.port(), spec.labels()));
        TargetServer stored = db.write(c -> {
            TargetServer old = Db.queryOne(
                            c,
                            "SELECT team, name, address, port, labels, created_at FROM server WHERE team = ? AND name = ?"
                                    + " FOR UPDATE",
                            ServerService::map,
                            by.team(),
                            server.name())
                    .orElseThrow(() -> KeylessException.notFound("server", name));
            Db.update(
                    c,
                    "UPDATE server SET address = ?, port = ?, labels = ? WHERE team = ? AND name = ?",
                    server.address(),
                    server.port(),
                    Json.write(server.labels()),
                    by.team(),
                    server.name());
            TeamService.bumpConfigVersion(c, by.team());
            audit.record(AuditEntry.of(by.team(), AuditEventType.SERVER_UPDATE)
                    .actor("admin", by.name())
                    .server(server.name())
                    .detail("address", server.address())
                    .detail("port", Integer.toString(server.port())));
            return new TargetServer(
                    old.team(), old.name(), server.address(), server.port(), server.labels(), old.createdAt());
        });
        accessChanges.publishEvent(new PolicyChanged(by.team()));
        return stored.view();
    }

    /**
     * Removes a server. Its live sessions are revoked (serials join the KRL, its agent gets the
     * teardown events and removes the accounts); its agent stays enrolled so that it can drain
     * them, and is refused new sessions because no server of that name exists.
     */
    public void delete(AdminPrincipal by, String name) {
        by.require(DEVOPS_ADMIN, SECURITY_ADMIN);
        String checked = check(new ArrayList<>(), () -> Names.server("name", name));
        if (checked == null) {
            throw KeylessException.notFound("server", name);
        }
        db.write(c -> {
            if (Db.update(c, "DELETE FROM server WHERE team = ? AND name = ?", by.team(), checked) != 1) {
                throw KeylessException.notFound("server", checked);
            }
            TeamService.bumpConfigVersion(c, by.team());
            audit.record(AuditEntry.of(by.team(), AuditEventType.SERVER_DELETE)
                    .actor("admin", by.name())
                    .server(checked));
            return null;
        });
        accessChanges.publishEvent(new PolicyChanged(by.team()));
    }

    public List<ServerView> list(AdminPrincipal by) {
        return db
                .read(c -> Db.query(
                        c,
                        "SELECT team, name, address, port, labels, created_at FROM server WHERE team = ? ORDER BY name",
                        ServerService::map,
                        by.team()))
                .stream()
                .map(TargetServer::view)
                .toList();
    }

    public ServerView get(AdminPrincipal by, String name) {
        return find(by.team(), db.read(c -> TeamService.configVersion(c, by.team())), name)
                .map(TargetServer::view)
                .orElseThrow(() -> KeylessException.notFound("server", name));
    }

    private TargetServer validate(String team, ServerSpec spec) {
        List<FieldError> errors = new ArrayList<>();
        String name = check(errors, () -> Names.server("name", spec.name()));
        String address = check(errors, () -> Names.serverAddress("address", spec.address()));
        Integer port = check(errors, () -> Names.port("port", spec.port() == null ? 22 : spec.port()));
        Map<String, String> labels = new TreeMap<>();
        Map<String, String> given = spec.labels() == null ? Map.of() : spec.labels();
        if (given.size() > MAX_LABELS) {
            errors.add(new FieldError("labels", "at most " + MAX_LABELS + " labels"));
        }
        given.forEach((k, v) -> {
            String key = check(errors, () -> Names.labelKey("labels", k));
            String value = check(errors, () -> Names.labelValue("labels." + (key == null ? "?" : key), v));
            if (key != null && value != null) {
                labels.put(key, value);
            }
        });
        if (!errors.isEmpty()) {
            throw KeylessException.invalid(errors);
        }
        return new TargetServer(team, name, address, port, Map.copyOf(labels), clock.instant());
    }

    private static <T> T check(List<FieldError> errors, java.util.function.Supplier<T> validation) {
        try {
            return validation.get();
        } catch (InvalidNameException e) {
            errors.add(new FieldError(e.field(), e.getMessage()));
            return null;
        }
    }

    private static TargetServer map(ResultSet rs) throws SQLException {
        return new TargetServer(
                rs.getString("team"),
                rs.getString("name"),
                rs.getString("address"),
                rs.getInt("port"),
                Json.readStringMap(rs.getString("labels")),
                Db.instant(rs, "created_at"));
    }
}

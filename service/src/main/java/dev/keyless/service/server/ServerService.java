package dev.keyless.service.server;

import static dev.keyless.protocol.AdminRole.DEVOPS_ADMIN;
import static dev.keyless.protocol.AdminRole.SECURITY_ADMIN;

import dev.keyless.protocol.AuditEventType;
import dev.keyless.protocol.PolicyRequests.PolicySpec;
import dev.keyless.protocol.Problem.FieldError;
import dev.keyless.protocol.ProblemType;
import dev.keyless.protocol.ServerRequests;
import dev.keyless.protocol.ServerRequests.AgentStatus;
import dev.keyless.protocol.ServerRequests.BulkServers;
import dev.keyless.protocol.ServerRequests.ServerSpec;
import dev.keyless.protocol.ServerRequests.ServerView;
import dev.keyless.service.audit.AuditEntry;
import dev.keyless.service.audit.AuditService;
import dev.keyless.service.caller.AdminPrincipal;
import dev.keyless.service.db.Db;
import dev.keyless.service.name.InvalidNameException;
import dev.keyless.service.name.Names;
import dev.keyless.service.policy.PolicyChanged;
import dev.keyless.service.policy.PolicyEngine;
import dev.keyless.service.policy.PolicyRules;
import dev.keyless.service.policy.PolicyService;
import dev.keyless.service.policy.ServerFacts;
import dev.keyless.service.problem.KeylessException;
import dev.keyless.service.team.TeamService;
import dev.keyless.service.team.VersionedCache;
import io.micronaut.context.event.ApplicationEventPublisher;
import jakarta.inject.Singleton;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Target servers of a team. Lookups by name go through a per-team cache keyed by the team's
 * configuration version; creating a server does not move that version (a new server changes no
 * earlier decision), so onboarding does not make the next request reload the team's whole server
 * list: a name the cache lacks is read as one row and added to it. Updates and deletes move the
 * version, since they change or revoke access; on the replica that made them, the cached list is
 * carried over to the new version with that one server changed, so a change does not make the
 * next request reload a fleet of 20,000 servers either (other replicas reload once).
 */
@Singleton
public class ServerService {
    private static final int MAX_LABELS = 32;

    private final Db db;
    private final ServerAgents agents;
    private final Clock clock;
    private final AuditService audit;
    private final VersionedCache<Map<String, TargetServer>> cache = new VersionedCache<>();

    private final ApplicationEventPublisher<PolicyChanged> accessChanges;

    ServerService(
            Db db,
            Clock clock,
            AuditService audit,
            ApplicationEventPublisher<PolicyChanged> accessChanges,
            ServerAgents agents) {
        this.db = db;
        this.agents = agents;
        this.clock = clock;
        this.audit = audit;
        this.accessChanges = accessChanges;
    }

    /**
     * The server named {@code name} at {@code configVersion}: from the cache, or (a server created
     * since the cache was filled, on any replica, or no such server) one indexed read.
     */
    public Optional<TargetServer> find(String team, long configVersion, String name) {
        Map<String, TargetServer> known = byName(team, configVersion);
        TargetServer server = known.get(name);
        if (server != null) {
            return Optional.of(server);
        }
        Optional<TargetServer> created = db.read(c -> ServerRepository.find(c, team, name));
        created.ifPresent(s -> known.putIfAbsent(s.name(), s));
        return created;
    }

    /** Every server of the team, by name, read afresh: the cache may lack servers created elsewhere. */
    public List<TargetServer> all(String team) {
        return db.read(c -> ServerRepository.all(c, team));
    }

    private Map<String, TargetServer> byName(String team, long configVersion) {
        return cache.get(team, configVersion, () -> db.read(c -> ServerRepository.all(c, team)).stream()
                .collect(Collectors.toConcurrentMap(TargetServer::name, Function.identity())));
    }

    /**
     * The team's servers that carry every label of {@code labels} with an equal value, by name;
     * the caller validates the selector.
     */
    public List<TargetServer> withLabels(String team, Map<String, String> labels) {
        return db.read(c -> ServerRepository.all(c, team)).stream()
                .filter(server -> labels.entrySet().stream().allMatch(label -> label.getValue()
                        .equals(server.labels().get(label.getKey()))))
                .toList();
    }

    public ServerView create(AdminPrincipal by, ServerSpec spec) {
        by.require(DEVOPS_ADMIN, SECURITY_ADMIN);
        TargetServer server = validate(by.team(), spec);
        db.write(c -> {
            TeamService.configVersion(c, by.team());
            insert(c, by, server);
            return null;
        });
        return views(by.team(), List.of(server)).get(0);
    }

    /**
     * Creates up to {@link ServerRequests#MAX_BULK} servers in one transaction, all or none: each is
     * validated and audited as {@link #create} does, and none moves the configuration version.
     */
    public List<ServerView> createAll(AdminPrincipal by, BulkServers request) {
        by.require(DEVOPS_ADMIN, SECURITY_ADMIN);
        List<ServerSpec> specs = request == null || request.servers() == null ? List.of() : request.servers();
        if (specs.isEmpty() || specs.size() > ServerRequests.MAX_BULK) {
            throw KeylessException.invalid("servers", "must list 1 to " + ServerRequests.MAX_BULK + " servers");
        }
        List<FieldError> errors = new ArrayList<>();
        List<TargetServer> servers = new ArrayList<>();
        java.util.Set<String> names = new java.util.HashSet<>();
        for (int i = 0; i < specs.size(); i++) {
            String prefix = "servers[" + i + "].";
            TargetServer server = specs.get(i) == null ? null : collect(by.team(), specs.get(i), prefix, errors);
            if (specs.get(i) == null) {
                errors.add(new FieldError("servers[" + i + "]", "is required"));
            } else if (server != null && !names.add(server.name())) {
                errors.add(new FieldError(prefix + "name", "names a server listed before"));
            }
            servers.add(server);
        }
        if (!errors.isEmpty()) {
            throw KeylessException.invalid(errors);
        }
        db.write(c -> {
            TeamService.configVersion(c, by.team());
            for (TargetServer server : servers) {
                insert(c, by, server);
            }
            return null;
        });
        return views(by.team(), servers);
    }

    /** Inserts and audits one server; a name that exists refuses (and rolls back) the transaction. */
    private void insert(java.sql.Connection c, AdminPrincipal by, TargetServer server) throws SQLException {
        boolean inserted = ServerRepository.insert(c, server);
        if (!inserted) {
            throw new KeylessException(
                    ProblemType.ALREADY_EXISTS, "A server named '" + server.name() + "' already exists");
        }
        // No configuration version bump: see the class comment.
        audit.record(AuditEntry.of(by.team(), AuditEventType.SERVER_CREATE)
                .by(by)
                .server(server.name())
                .detail("address", server.address()));
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
            TargetServer old = ServerRepository.lock(c, by.team(), server.name())
                    .orElseThrow(() -> KeylessException.notFound("server", name));
            ServerRepository.update(c, server);
            TeamService.bumpConfigVersion(c, by.team());
            long version = TeamService.configVersion(c, by.team());
            audit.record(AuditEntry.of(by.team(), AuditEventType.SERVER_UPDATE)
                    .by(by)
                    .server(server.name())
                    .detail("address", server.address())
                    .detail("port", Integer.toString(server.port())));
            TargetServer changed = new TargetServer(
                    old.team(), old.name(), server.address(), server.port(), server.labels(), old.createdAt());
            db.afterCommit(() -> cache.advance(by.team(), version - 1, version, known -> {
                Map<String, TargetServer> next = new ConcurrentHashMap<>(known);
                next.put(changed.name(), changed);
                return next;
            }));
            return changed;
        });
        accessChanges.publishEvent(new PolicyChanged(by.team()));
        return views(by.team(), List.of(stored)).get(0);
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
            if (!ServerRepository.delete(c, by.team(), checked)) {
                throw KeylessException.notFound("server", checked);
            }
            TeamService.bumpConfigVersion(c, by.team());
            audit.record(AuditEntry.of(by.team(), AuditEventType.SERVER_DELETE)
                    .by(by)
                    .server(checked));
            long version = TeamService.configVersion(c, by.team());
            db.afterCommit(() -> cache.advance(by.team(), version - 1, version, known -> {
                Map<String, TargetServer> next = new ConcurrentHashMap<>(known);
                next.remove(checked);
                return next;
            }));
            return null;
        });
        accessChanges.publishEvent(new PolicyChanged(by.team()));
    }

    public List<ServerView> list(AdminPrincipal by) {
        return views(by.team(), db.read(c -> ServerRepository.all(c, by.team())));
    }

    /**
     * The servers a policy spec reaches (its selector: names, or labels that must all match), after
     * validating it as a save would; for the console's preview, nothing is stored.
     */
    public List<ServerView> reachedBy(AdminPrincipal by, PolicySpec spec) {
        PolicyRules rules = PolicyService.check(spec);
        return views(
                by.team(),
                all(by.team()).stream()
                        .filter(s -> PolicyEngine.selects(rules, new ServerFacts(s.name(), s.labels())))
                        .toList());
    }

    public ServerView get(AdminPrincipal by, String name) {
        TargetServer server = find(by.team(), db.read(c -> TeamService.configVersion(c, by.team())), name)
                .orElseThrow(() -> KeylessException.notFound("server", name));
        return views(by.team(), List.of(server)).get(0);
    }

    /** The servers as shown to admins, each with its agent's status (one read for all). */
    private List<ServerView> views(String team, List<TargetServer> servers) {
        Map<String, AgentStatus> status = agents.of(team);
        return servers.stream()
                .map(s -> s.view(status.getOrDefault(s.name(), AgentStatus.NONE)))
                .toList();
    }

    private TargetServer validate(String team, ServerSpec spec) {
        List<FieldError> errors = new ArrayList<>();
        TargetServer server = collect(team, spec, "", errors);
        if (!errors.isEmpty()) {
            throw KeylessException.invalid(errors);
        }
        return server;
    }

    /** The server {@code spec} describes, or null with its field errors (named {@code prefix + field}) added. */
    private TargetServer collect(String team, ServerSpec spec, String prefix, List<FieldError> errors) {
        int before = errors.size();
        String name = check(errors, () -> Names.server(prefix + "name", spec.name()));
        String address = check(errors, () -> Names.serverAddress(prefix + "address", spec.address()));
        Integer port = check(errors, () -> Names.port(prefix + "port", spec.port() == null ? 22 : spec.port()));
        Map<String, String> labels = new TreeMap<>();
        Map<String, String> given = spec.labels() == null ? Map.of() : spec.labels();
        if (given.size() > MAX_LABELS) {
            errors.add(new FieldError(prefix + "labels", "at most " + MAX_LABELS + " labels"));
        }
        given.forEach((k, v) -> {
            String key = check(errors, () -> Names.labelKey(prefix + "labels", k));
            String value = check(errors, () -> Names.labelValue(prefix + "labels." + (key == null ? "?" : key), v));
            if (key != null && value != null) {
                labels.put(key, value);
            }
        });
        if (errors.size() > before) {
            return null;
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
}

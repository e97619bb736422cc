package dev.keyless.service.connection;

import static dev.keyless.protocol.AdminRole.DEVOPS_ADMIN;
import static dev.keyless.protocol.AdminRole.SECURITY_ADMIN;

import dev.keyless.protocol.AdminRole;
import dev.keyless.protocol.AuditEventType;
import dev.keyless.protocol.ConnectionRequests.ActivationRequest;
import dev.keyless.protocol.ConnectionRequests.ConnectionSpec;
import dev.keyless.protocol.ConnectionRequests.ConnectionView;
import dev.keyless.protocol.ConnectionRequests.PendingChange;
import dev.keyless.protocol.ConnectionState;
import dev.keyless.protocol.ProblemType;
import dev.keyless.service.audit.AuditEntry;
import dev.keyless.service.audit.AuditService;
import dev.keyless.service.caller.AdminPrincipal;
import dev.keyless.service.db.Db;
import dev.keyless.service.db.Generations;
import dev.keyless.service.problem.KeylessException;
import dev.keyless.service.role.RoleService;
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
 * once activated a devops admin can no longer change or delete them; a security admin switches
 * {@code ACTIVE <-> INACTIVE}, and every deactivation or deletion invalidates the access tokens
 * issued under the connection.
 *
 * <p>Four eyes on trust: a {@code PUT} on an {@code ACTIVE} or {@code INACTIVE} connection only
 * proposes; the connection keeps issuing under its approved settings until a second security admin
 * approves the change ({@link ConnectionGovernance}, which also owns activation).
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
            WorkloadConnection w = settings.toDraft(by.team(), generation, by.name(), now);
            if (!ConnectionRepository.insert(c, w)) {
                throw new KeylessException(
                        ProblemType.ALREADY_EXISTS, "A connection named '" + settings.name() + "' already exists");
            }
            TeamService.bumpConfigVersion(c, by.team());
            audit.record(
                    adminEvent(by, AuditEventType.CONNECTION_CREATE, w.name()).detail("content_hash", w.contentHash()));
            return w;
        });
        return created.view();
    }

    public ConnectionView get(AdminPrincipal by, String name) {
        return db.read(c -> view(c, by.team(), name));
    }

    /** The connection with its pending change, inside the caller's transaction; 404 problem if none. */
    static ConnectionView view(Connection c, String team, String name) throws SQLException {
        WorkloadConnection w = ConnectionRepository.find(c, team, name, false)
                .orElseThrow(() -> KeylessException.notFound("connection", name));
        return w.view(
                ConnectionChangeRepository.find(c, team, name)
                        .map(p -> p.view(w))
                        .orElse(null),
                activationRequest(w, ActivationRequestRepository.find(c, team, name)));
    }

    /** A Draft's activation request, if it was made for the draft's current settings. */
    private static ActivationRequest activationRequest(
            WorkloadConnection w, Optional<ActivationRequestRepository.ActivationRequest> r) {
        return r.filter(x ->
                        w.state() == ConnectionState.DRAFT && x.contentHash().equals(w.contentHash()))
                .map(x -> x.view(w))
                .orElse(null);
    }

    /** The pending change of trust settings with its field-by-field diff; 404 if none. */
    public PendingChange pendingChange(AdminPrincipal by, String name) {
        ConnectionView view = get(by, name);
        if (view.pendingChange() == null) {
            throw new KeylessException(
                    ProblemType.NOT_FOUND, "Connection '" + name + "' has no pending change of its trust settings");
        }
        return view.pendingChange();
    }

    public List<ConnectionView> list(AdminPrincipal by) {
        return db.read(c -> {
            Map<String, ConnectionChange> pending = ConnectionChangeRepository.all(c, by.team()).stream()
                    .collect(Collectors.toMap(ConnectionChange::connection, Function.identity()));
            Map<String, ActivationRequestRepository.ActivationRequest> requested =
                    ActivationRequestRepository.all(c, by.team()).stream()
                            .collect(Collectors.toMap(
                                    ActivationRequestRepository.ActivationRequest::connection, Function.identity()));
            return ConnectionRepository.all(c, by.team()).stream()
                    .map(w -> w.view(
                            pending.containsKey(w.name())
                                    ? pending.get(w.name()).view(w)
                                    : null,
                            activationRequest(w, Optional.ofNullable(requested.get(w.name())))))
                    .toList();
        });
    }

    /**
     * A {@code PUT}: on a {@code DRAFT} the settings change at once (a draft issues nothing); on an
     * {@code ACTIVE} or {@code INACTIVE} connection the live settings stay as approved and the new
     * ones become its pending change, until a second security admin approves them.
     */
    public Updated update(AdminPrincipal by, String name, ConnectionSpec spec) {
        by.require(DEVOPS_ADMIN, SECURITY_ADMIN);
        if (spec.name() != null && !spec.name().equals(name)) {
            throw KeylessException.invalid("name", "must be absent or equal to the name in the path");
        }
        ConnectionSettings settings = specs.normalize(withName(spec, name));
        Instant now = clock.instant();
        return db.write(c -> {
            WorkloadConnection current = lockForChange(c, by, name, "changed");
            if (current.state() == ConnectionState.DRAFT) {
                WorkloadConnection w =
                        current.withSettings(settings, current.generation(), Approval.proposed(by.name(), now), now);
                ConnectionRepository.update(c, w);
                TeamService.bumpConfigVersion(c, by.team());
                AuditEntry event = adminEvent(by, AuditEventType.CONNECTION_UPDATE, name)
                        .detail("old_content_hash", current.contentHash())
                        .detail("new_content_hash", w.contentHash())
                        .detail("state", w.state().name());
                if (!w.contentHash().equals(current.contentHash())
                        && ActivationRequestRepository.delete(c, by.team(), name)) {
                    // What was requested is no longer what would be activated: ask again.
                    event.detail("activation_request", "dropped");
                }
                audit.record(event);
                return new Updated(view(c, by.team(), name), false);
            }
            if (settings.contentHash().equals(current.contentHash())) {
                // The live settings again: nothing to approve, any pending change stays as it is.
                return new Updated(view(c, by.team(), name), false);
            }
            ConnectionChange change =
                    new ConnectionChange(by.team(), name, settings, settings.contentHash(), by.name(), now);
            ConnectionChangeRepository.put(c, change);
            audit.record(adminEvent(by, AuditEventType.CONNECTION_CHANGE_PROPOSE, name)
                    .detail("live_content_hash", current.contentHash())
                    .detail("proposed_content_hash", change.contentHash())
                    .detail("state", current.state().name()));
            return new Updated(current.view(change.view(current), null), true);
        });
    }

    /**
     * A Draft's author (or any devops or security admin) declares it ready: a security admin other
     * than its proposer may now review what activation would put into effect and approve or reject
     * it. Grants nothing; {@code contentHash}, if given, must be the draft's current one.
     */
    public ConnectionView requestActivation(AdminPrincipal by, String name, String contentHash) {
        by.require(DEVOPS_ADMIN, SECURITY_ADMIN);
        Instant now = clock.instant();
        return db.write(c -> {
            WorkloadConnection current = ConnectionRepository.find(c, by.team(), name, true)
                    .orElseThrow(() -> KeylessException.notFound("connection", name));
            if (current.state() != ConnectionState.DRAFT) {
                throw KeylessException.inState(
                        ProblemType.INVALID_STATE_TRANSITION,
                        "Connection '" + name + "' is " + current.state() + ": only a Draft's activation is requested",
                        current.state().name());
            }
            if (contentHash != null && !contentHash.equals(current.contentHash())) {
                throw KeylessException.inState(
                        ProblemType.APPROVAL_STALE,
                        "The draft changed after your review: content hash " + current.contentHash()
                                + " is current; review again",
                        current.state().name());
            }
            ActivationRequestRepository.put(
                    c,
                    new ActivationRequestRepository.ActivationRequest(
                            by.team(), name, current.contentHash(), by.name(), now));
            audit.record(adminEvent(by, AuditEventType.CONNECTION_ACTIVATION_REQUEST, name)
                    .detail("content_hash", current.contentHash())
                    .detail("proposed_by", current.approval().proposedBy()));
            return view(c, by.team(), name);
        });
    }

    /** The result of a {@code PUT}: the connection, and whether the settings only became a proposal. */
    public record Updated(ConnectionView view, boolean proposed) {}

    public void delete(AdminPrincipal by, String name) {
        by.require(DEVOPS_ADMIN, SECURITY_ADMIN);
        db.write(c -> {
            WorkloadConnection current = lockForChange(c, by, name, "deleted");
            long roles = RoleService.countUsing(c, by.team(), name);
            if (roles > 0) {
                throw new KeylessException(
                        ProblemType.RESOURCE_IN_USE,
                        roles + " role(s) still use connection '" + name + "'; delete them first");
            }
            ConnectionRepository.delete(c, by.team(), name);
            ConnectionChangeRepository.delete(c, by.team(), name);
            ActivationRequestRepository.delete(c, by.team(), name);
            Generations.next(c, by.team(), GENERATION_KIND, name);
            TeamService.bumpConfigVersion(c, by.team());
            audit.record(adminEvent(by, AuditEventType.CONNECTION_DELETE, name)
                    .detail("content_hash", current.contentHash())
                    .detail("state", current.state().name()));
            return null;
        });
        retired.publishEvent(new ConnectionRetired(by.team(), name, by.name(), true));
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

    static AuditEntry adminEvent(AdminPrincipal by, String type, String connection) {
        return AuditEntry.of(by.team(), type).by(by).connection(connection);
    }
}

package dev.keyless.service.connection;

import static dev.keyless.protocol.AdminRole.DEVOPS_ADMIN;
import static dev.keyless.protocol.AdminRole.SECURITY_ADMIN;

import dev.keyless.protocol.AdminRole;
import dev.keyless.protocol.AuditEventType;
import dev.keyless.protocol.ConnectionRequests.ApproveChange;
import dev.keyless.protocol.ConnectionRequests.ConnectionSpec;
import dev.keyless.protocol.ConnectionRequests.ConnectionView;
import dev.keyless.protocol.ConnectionRequests.PendingChange;
import dev.keyless.protocol.ConnectionState;
import dev.keyless.protocol.ProblemType;
import dev.keyless.service.admin.AdminFacts;
import dev.keyless.service.admin.AdminPrincipal;
import dev.keyless.service.admin.AdminService;
import dev.keyless.service.audit.AuditEntry;
import dev.keyless.service.audit.AuditService;
import dev.keyless.service.db.Db;
import dev.keyless.service.db.Generations;
import dev.keyless.service.problem.KeylessException;
import dev.keyless.service.team.TeamService;
import dev.keyless.service.team.VersionedCache;
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
 * <p>Four eyes on trust: trust settings take effect only through a second security admin who
 * passes {@link ApprovalVerifier} — at activation of a draft, at reactivation, and at approval of
 * a change proposed with {@code PUT} on an {@code ACTIVE} or {@code INACTIVE} connection, which
 * until then keeps issuing under its approved settings.
 */
@Singleton
public class ConnectionService {
    static final String GENERATION_KIND = "connection";

    private final Db db;
    private final Clock clock;
    private final AuditService audit;
    private final ConnectionSpecs specs;
    private final VersionedCache<Map<String, WorkloadConnection>> cache = new VersionedCache<>();

    ConnectionService(Db db, Clock clock, AuditService audit, ConnectionSpecs specs) {
        this.db = db;
        this.clock = clock;
        this.audit = audit;
        this.specs = specs;
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
            return w;
        });
        audit.record(adminEvent(by, AuditEventType.CONNECTION_CREATE, created.name())
                .detail("content_hash", created.contentHash()));
        return created.view(null);
    }

    public ConnectionView get(AdminPrincipal by, String name) {
        return db.read(c -> {
                    Optional<WorkloadConnection> w = ConnectionRepository.find(c, by.team(), name, false);
                    if (w.isEmpty()) {
                        return Optional.<ConnectionView>empty();
                    }
                    return Optional.of(w.get()
                            .view(ConnectionChangeRepository.find(c, by.team(), name)
                                    .map(p -> p.view(w.get()))
                                    .orElse(null)));
                })
                .orElseThrow(() -> KeylessException.notFound("connection", name));
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
            return ConnectionRepository.all(c, by.team()).stream()
                    .map(w -> w.view(
                            pending.containsKey(w.name())
                                    ? pending.get(w.name()).view(w)
                                    : null))
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
        WorkloadConnection[] before = new WorkloadConnection[1];
        Updated updated = db.write(c -> {
            WorkloadConnection current = lockForChange(c, by, name, "changed");
            before[0] = current;
            if (current.state() == ConnectionState.DRAFT) {
                WorkloadConnection w =
                        current.withSettings(settings, current.generation(), Approval.proposed(by.name(), now), now);
                ConnectionRepository.update(c, w);
                TeamService.bumpConfigVersion(c, by.team());
                return new Updated(w.view(null), false);
            }
            if (settings.contentHash().equals(current.contentHash())) {
                // The live settings again: nothing to approve, any pending change stays as it is.
                return new Updated(get(c, current), false);
            }
            ConnectionChange change =
                    new ConnectionChange(by.team(), name, settings, settings.contentHash(), by.name(), now);
            ConnectionChangeRepository.put(c, change);
            return new Updated(current.view(change.view(current)), true);
        });
        if (updated.proposed()) {
            audit.record(adminEvent(by, AuditEventType.CONNECTION_CHANGE_PROPOSE, name)
                    .detail("live_content_hash", before[0].contentHash())
                    .detail(
                            "proposed_content_hash",
                            updated.view().pendingChange().contentHash())
                    .detail("state", before[0].state().name()));
        } else if (!updated.view().contentHash().equals(before[0].contentHash())) {
            audit.record(adminEvent(by, AuditEventType.CONNECTION_UPDATE, name)
                    .detail("old_content_hash", before[0].contentHash())
                    .detail("new_content_hash", updated.view().contentHash())
                    .detail("state", updated.view().state().name()));
        }
        return updated;
    }

    /** The result of a {@code PUT}: the connection, and whether the settings only became a proposal. */
    public record Updated(ConnectionView view, boolean proposed) {}

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
            ConnectionChangeRepository.delete(c, by.team(), name);
            Generations.next(c, by.team(), GENERATION_KIND, name);
            TeamService.bumpConfigVersion(c, by.team());
            return current;
        });
        audit.record(adminEvent(by, AuditEventType.CONNECTION_DELETE, deleted.name())
                .detail("content_hash", deleted.contentHash()));
    }

    /**
     * {@code DRAFT -> ACTIVE} approves the draft's settings; {@code INACTIVE -> ACTIVE} puts the
     * settings approved earlier back into effect. Either way the activating security admin must
     * pass the four-eyes rules against whoever proposed the live settings. {@code contentHash}, if
     * given, must be the live one: what the admin reviewed is what becomes active.
     */
    public ConnectionView activate(AdminPrincipal by, String name, String contentHash) {
        by.require(SECURITY_ADMIN);
        Instant now = clock.instant();
        WorkloadConnection changed = refusalsAudited(
                by,
                name,
                () -> db.write(c -> {
                    WorkloadConnection current = ConnectionRepository.find(c, by.team(), name, true)
                            .orElseThrow(() -> KeylessException.notFound("connection", name));
                    checkTransition(current, ConnectionState.ACTIVE);
                    requireReviewed(contentHash, current.contentHash(), current.state());
                    Approval approval = current.approval();
                    if (current.state() == ConnectionState.INACTIVE && !approval.approves(current.contentHash())) {
                        throw new ApprovalVerifier.RefusedException(
                                new ApprovalVerifier.Refusal(
                                        "settings-not-approved",
                                        "the live settings were never approved by a second security admin; propose them"
                                                + " with PUT and have them approved"),
                                current.state().name());
                    }
                    requireFourEyes(c, by, current, approval.proposedBy(), approval.proposedAt());
                    if (current.state() == ConnectionState.DRAFT) {
                        approval = approval.approvedBy(by.name(), now, current.contentHash());
                    }
                    WorkloadConnection w =
                            current.withState(ConnectionState.ACTIVE, current.generation(), approval, now);
                    ConnectionRepository.update(c, w);
                    TeamService.bumpConfigVersion(c, by.team());
                    return w;
                }));
        audit.record(adminEvent(by, AuditEventType.CONNECTION_ACTIVATE, name)
                .detail("content_hash", changed.contentHash())
                .detail("proposed_by", changed.approval().proposedBy())
                .detail("approved_by", changed.approval().approvedBy())
                .detail("state", ConnectionState.ACTIVE.name()));
        return get(by, name);
    }

    public ConnectionView deactivate(AdminPrincipal by, String name) {
        by.require(SECURITY_ADMIN);
        WorkloadConnection changed = db.write(c -> {
            WorkloadConnection current = ConnectionRepository.find(c, by.team(), name, true)
                    .orElseThrow(() -> KeylessException.notFound("connection", name));
            checkTransition(current, ConnectionState.INACTIVE);
            // Deactivation retires every access token issued so far, for good: a later
            // activation starts a new generation rather than restoring the old one.
            long generation = Generations.next(c, by.team(), GENERATION_KIND, name);
            WorkloadConnection w =
                    current.withState(ConnectionState.INACTIVE, generation, current.approval(), clock.instant());
            ConnectionRepository.update(c, w);
            TeamService.bumpConfigVersion(c, by.team());
            return w;
        });
        audit.record(adminEvent(by, AuditEventType.CONNECTION_DEACTIVATE, name)
                .detail("content_hash", changed.contentHash())
                .detail("state", ConnectionState.INACTIVE.name()));
        return get(by, name);
    }

    /**
     * Puts the pending change into effect, if this security admin passes the four-eyes rules
     * against its proposer and {@code contentHash} is the pending one. The state stays as it was;
     * access tokens issued under the old settings stop working.
     */
    public ConnectionView approve(AdminPrincipal by, String name, ApproveChange request) {
        by.require(SECURITY_ADMIN);
        if (request == null || request.contentHash() == null) {
            throw KeylessException.invalid("content_hash", "name the content hash of the pending change you approve");
        }
        Instant now = clock.instant();
        WorkloadConnection[] before = new WorkloadConnection[1];
        ConnectionChange approved = refusalsAudited(
                by,
                name,
                () -> db.write(c -> {
                    WorkloadConnection current = ConnectionRepository.find(c, by.team(), name, true)
                            .orElseThrow(() -> KeylessException.notFound("connection", name));
                    before[0] = current;
                    ConnectionChange change = ConnectionChangeRepository.find(c, by.team(), name)
                            .orElseThrow(() -> new KeylessException(
                                    ProblemType.NOT_FOUND,
                                    "Connection '" + name + "' has no pending change to approve"));
                    requireReviewed(request.contentHash(), change.contentHash(), current.state());
                    requireFourEyes(c, by, current, change.proposedBy(), change.proposedAt());
                    Approval approval = Approval.proposed(change.proposedBy(), change.proposedAt())
                            .approvedBy(by.name(), now, change.contentHash());
                    long generation = Generations.next(c, by.team(), GENERATION_KIND, name);
                    ConnectionRepository.update(c, current.withSettings(change.settings(), generation, approval, now));
                    ConnectionChangeRepository.delete(c, by.team(), name);
                    TeamService.bumpConfigVersion(c, by.team());
                    return change;
                }));
        audit.record(adminEvent(by, AuditEventType.CONNECTION_CHANGE_APPROVE, name)
                .detail("old_content_hash", before[0].contentHash())
                .detail("new_content_hash", approved.contentHash())
                .detail("proposed_by", approved.proposedBy())
                .detail("state", before[0].state().name()));
        return get(by, name);
    }

    /** Drops the pending change; any security admin may, the proposer included (a withdrawal). */
    public ConnectionView reject(AdminPrincipal by, String name) {
        by.require(SECURITY_ADMIN);
        ConnectionChange rejected = db.write(c -> {
            ConnectionRepository.find(c, by.team(), name, true)
                    .orElseThrow(() -> KeylessException.notFound("connection", name));
            ConnectionChange change = ConnectionChangeRepository.find(c, by.team(), name)
                    .orElseThrow(() -> new KeylessException(
                            ProblemType.NOT_FOUND, "Connection '" + name + "' has no pending change to reject"));
            ConnectionChangeRepository.delete(c, by.team(), name);
            return change;
        });
        audit.record(adminEvent(by, AuditEventType.CONNECTION_CHANGE_REJECT, name)
                .detail("content_hash", rejected.contentHash())
                .detail("proposed_by", rejected.proposedBy()));
        return get(by, name);
    }

    private static void requireFourEyes(
            Connection c, AdminPrincipal by, WorkloadConnection current, String proposedBy, Instant proposedAt)
            throws SQLException {
        AdminFacts approver = AdminService.facts(c, by.team(), by.name())
                .orElseThrow(() -> new KeylessException(
                        ProblemType.ADMIN_UNAUTHENTICATED, "The admin token is not valid for this team"));
        ApprovalVerifier.require(
                approver,
                new ApprovalVerifier.Proposal(
                        current.name(), AdminService.facts(c, by.team(), proposedBy), current.createdBy(), proposedAt),
                current.state().name());
    }

    private static void requireReviewed(String reviewed, String actual, ConnectionState state) {
        if (reviewed != null && !reviewed.equals(actual)) {
            throw KeylessException.inState(
                    ProblemType.APPROVAL_STALE,
                    "The settings changed after your review: content hash " + actual + " is current; review again",
                    state.name());
        }
    }

    /** Runs an approval; a four-eyes refusal leaves an audit event naming the rule, then answers. */
    private <T> T refusalsAudited(AdminPrincipal by, String name, java.util.function.Supplier<T> approval) {
        try {
            return approval.get();
        } catch (ApprovalVerifier.RefusedException e) {
            audit.record(adminEvent(by, AuditEventType.CONNECTION_APPROVAL_REFUSE, name)
                    .failure(ProblemType.APPROVAL_FORBIDDEN.slug())
                    .detail("rule", e.rule()));
            throw e;
        }
    }

    private static ConnectionView get(Connection c, WorkloadConnection current) throws SQLException {
        return current.view(ConnectionChangeRepository.find(c, current.team(), current.name())
                .map(p -> p.view(current))
                .orElse(null));
    }

    private static void checkTransition(WorkloadConnection current, ConnectionState target) {
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

    private static AuditEntry adminEvent(AdminPrincipal by, String type, String connection) {
        return AuditEntry.of(by.team(), type).actor("admin", by.name()).connection(connection);
    }
}

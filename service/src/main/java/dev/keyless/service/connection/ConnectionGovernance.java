package dev.keyless.service.connection;

import static dev.keyless.protocol.AdminRole.SECURITY_ADMIN;
import static dev.keyless.service.connection.ConnectionService.GENERATION_KIND;
import static dev.keyless.service.connection.ConnectionService.adminEvent;

import dev.keyless.protocol.AuditEventType;
import dev.keyless.protocol.ConnectionRequests.ApproveChange;
import dev.keyless.protocol.ConnectionRequests.ConnectionView;
import dev.keyless.protocol.ConnectionState;
import dev.keyless.protocol.ProblemType;
import dev.keyless.service.admin.AdminFacts;
import dev.keyless.service.admin.AdminService;
import dev.keyless.service.audit.AuditEntry;
import dev.keyless.service.audit.AuditService;
import dev.keyless.service.caller.AdminPrincipal;
import dev.keyless.service.db.Db;
import dev.keyless.service.db.Generations;
import dev.keyless.service.problem.KeylessException;
import dev.keyless.service.team.TeamService;
import io.micronaut.context.event.ApplicationEventPublisher;
import jakarta.inject.Singleton;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;

/**
 * The security admins' side of a connection: {@code ACTIVE <-> INACTIVE}, and approval or
 * rejection of a pending change of trust settings. Everything that puts trust settings into effect
 * — activating a draft, reactivating, approving a change — passes {@link ApprovalVerifier} against
 * whoever proposed those settings, and records the approval on the connection ({@link Approval}).
 * Each change and its audit event commit together; a refused approval is audited on its own.
 */
@Singleton
class ConnectionGovernance {
    private final Db db;
    private final Clock clock;
    private final AuditService audit;
    private final ApplicationEventPublisher<ConnectionRetired> retired;

    ConnectionGovernance(Db db, Clock clock, AuditService audit, ApplicationEventPublisher<ConnectionRetired> retired) {
        this.db = db;
        this.clock = clock;
        this.audit = audit;
        this.retired = retired;
    }

    /**
     * {@code DRAFT -> ACTIVE} approves the draft's settings; {@code INACTIVE -> ACTIVE} puts the
     * settings approved earlier back into effect. Either way the activating security admin must
     * pass the four-eyes rules against whoever proposed the live settings. {@code contentHash}, if
     * given, must be the live one: what the admin reviewed is what becomes active.
     */
    ConnectionView activate(AdminPrincipal by, String name, String contentHash) {
        by.require(SECURITY_ADMIN);
        Instant now = clock.instant();
        return refusalsAudited(
                by,
                name,
                () -> db.write(c -> {
                    WorkloadConnection current = lock(c, by, name);
                    checkTransition(current, ConnectionState.ACTIVE);
                    requireReviewed(contentHash, current.contentHash(), current.state());
                    Approval approval = current.approval();
                    if (current.state() == ConnectionState.INACTIVE && !approval.approves(current.contentHash())) {
                        throw new ApprovalVerifier.RefusedException(
                                new ApprovalVerifier.Refusal(
                                        "settings-not-approved",
                                        "no second security admin approved the live settings; propose them with PUT"),
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
                    AuditEntry event = adminEvent(by, AuditEventType.CONNECTION_ACTIVATE, name)
                            .detail("content_hash", w.contentHash())
                            .detail("from_state", current.state().name())
                            .detail("proposed_by", approval.proposedBy())
                            .detail("approved_by", approval.approvedBy())
                            .detail("state", ConnectionState.ACTIVE.name());
                    ActivationRequestRepository.find(c, by.team(), name)
                            .ifPresent(r -> event.detail("requested_by", r.requestedBy()));
                    ActivationRequestRepository.delete(c, by.team(), name);
                    audit.record(event);
                    return ConnectionService.view(c, by.team(), name);
                }));
    }

    /** Any security admin may switch a connection off: that takes trust away, never adds it. */
    ConnectionView deactivate(AdminPrincipal by, String name) {
        by.require(SECURITY_ADMIN);
        ConnectionView view = db.write(c -> {
            WorkloadConnection current = lock(c, by, name);
            checkTransition(current, ConnectionState.INACTIVE);
            // Deactivation retires every access token issued so far, for good: a later
            // activation starts a new generation rather than restoring the old one.
            long generation = Generations.next(c, by.team(), GENERATION_KIND, name);
            WorkloadConnection w =
                    current.withState(ConnectionState.INACTIVE, generation, current.approval(), clock.instant());
            ConnectionRepository.update(c, w);
            TeamService.bumpConfigVersion(c, by.team());
            audit.record(adminEvent(by, AuditEventType.CONNECTION_DEACTIVATE, name)
                    .detail("content_hash", w.contentHash())
                    .detail("state", ConnectionState.INACTIVE.name()));
            return ConnectionService.view(c, by.team(), name);
        });
        retired.publishEvent(new ConnectionRetired(by.team(), name, by.name(), false));
        return view;
    }

    /**
     * Puts the pending change into effect, if this security admin passes the four-eyes rules
     * against its proposer and {@code contentHash} is the pending one. The state stays as it was;
     * access tokens issued under the old settings stop working.
     */
    ConnectionView approve(AdminPrincipal by, String name, ApproveChange request) {
        by.require(SECURITY_ADMIN);
        if (request == null || request.contentHash() == null) {
            throw KeylessException.invalid("content_hash", "name the content hash of the pending change you approve");
        }
        Instant now = clock.instant();
        return refusalsAudited(
                by,
                name,
                () -> db.write(c -> {
                    WorkloadConnection current = lock(c, by, name);
                    ConnectionChange change = pending(c, by, name, "approve");
                    requireReviewed(request.contentHash(), change.contentHash(), current.state());
                    requireFourEyes(c, by, current, change.proposedBy(), change.proposedAt());
                    Approval approval = Approval.proposed(change.proposedBy(), change.proposedAt())
                            .approvedBy(by.name(), now, change.contentHash());
                    long generation = Generations.next(c, by.team(), GENERATION_KIND, name);
                    ConnectionRepository.update(c, current.withSettings(change.settings(), generation, approval, now));
                    ConnectionChangeRepository.delete(c, by.team(), name);
                    TeamService.bumpConfigVersion(c, by.team());
                    audit.record(adminEvent(by, AuditEventType.CONNECTION_CHANGE_APPROVE, name)
                            .detail("old_content_hash", current.contentHash())
                            .detail("new_content_hash", change.contentHash())
                            .detail("proposed_by", change.proposedBy())
                            .detail("state", current.state().name()));
                    return ConnectionService.view(c, by.team(), name);
                }));
    }

    /**
     * Drops what waits for approval: the pending change, or a Draft's activation request (the draft
     * stays, editable). Any security admin may, the proposer included (a withdrawal).
     */
    ConnectionView reject(AdminPrincipal by, String name) {
        by.require(SECURITY_ADMIN);
        return db.write(c -> {
            WorkloadConnection current = lock(c, by, name);
            if (current.state() == ConnectionState.DRAFT) {
                ActivationRequestRepository.ActivationRequest request = ActivationRequestRepository.find(
                                c, by.team(), name)
                        .orElseThrow(() -> new KeylessException(
                                ProblemType.NOT_FOUND, "Draft '" + name + "' has no activation request to reject"));
                ActivationRequestRepository.delete(c, by.team(), name);
                audit.record(adminEvent(by, AuditEventType.CONNECTION_ACTIVATION_REJECT, name)
                        .detail("content_hash", request.contentHash())
                        .detail("requested_by", request.requestedBy()));
                return ConnectionService.view(c, by.team(), name);
            }
            ConnectionChange change = pending(c, by, name, "reject");
            ConnectionChangeRepository.delete(c, by.team(), name);
            audit.record(adminEvent(by, AuditEventType.CONNECTION_CHANGE_REJECT, name)
                    .detail("content_hash", change.contentHash())
                    .detail("proposed_by", change.proposedBy()));
            return ConnectionService.view(c, by.team(), name);
        });
    }

    private static WorkloadConnection lock(Connection c, AdminPrincipal by, String name) throws SQLException {
        return ConnectionRepository.find(c, by.team(), name, true)
                .orElseThrow(() -> KeylessException.notFound("connection", name));
    }

    private static ConnectionChange pending(Connection c, AdminPrincipal by, String name, String verb)
            throws SQLException {
        return ConnectionChangeRepository.find(c, by.team(), name)
                .orElseThrow(() -> new KeylessException(
                        ProblemType.NOT_FOUND, "Connection '" + name + "' has no pending change to " + verb));
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
    private ConnectionView refusalsAudited(
            AdminPrincipal by, String name, java.util.function.Supplier<ConnectionView> approval) {
        try {
            return approval.get();
        } catch (ApprovalVerifier.RefusedException e) {
            audit.record(adminEvent(by, AuditEventType.CONNECTION_APPROVAL_REFUSE, name)
                    .failure(ProblemType.APPROVAL_FORBIDDEN.slug())
                    .detail("rule", e.rule()));
            throw e;
        }
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
}

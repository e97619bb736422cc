package dev.keyless.service.connection;

import dev.keyless.protocol.AdminRole;
import dev.keyless.protocol.ProblemType;
import dev.keyless.service.admin.AdminFacts;
import dev.keyless.service.problem.KeylessException;
import java.time.Instant;
import java.util.Optional;

/**
 * The four-eyes rules for putting trust settings into effect (activation, reactivation, approval
 * of a pending change). Pure: it sees the admins' facts, never HTTP or the database. Each rule has
 * one fixed name that the refusal and the audit event carry.
 */
final class ApprovalVerifier {
    private ApprovalVerifier() {}

    /** The settings to approve: who proposed them and when, and who created the connection. */
    record Proposal(String connection, Optional<AdminFacts> proposer, String creator, Instant proposedAt) {}

    /** A refused approval: the rule's name and a sentence that names no secret. */
    record Refusal(String rule, String detail) {}

    /** The refusal as an {@code approval-forbidden} problem, keeping the rule for the audit event. */
    static final class RefusedException extends KeylessException {
        private static final long serialVersionUID = 1L;
        private final String rule;

        RefusedException(Refusal r, String state) {
            super(
                    ProblemType.APPROVAL_FORBIDDEN,
                    "Four-eyes rule " + r.rule() + ": " + r.detail(),
                    null,
                    null,
                    state,
                    null);
            this.rule = r.rule();
        }

        String rule() {
            return rule;
        }
    }

    /** Throws unless {@link #check} accepts. */
    static void require(AdminFacts approver, Proposal p, String state) {
        Optional<Refusal> refusal = check(approver, p);
        if (refusal.isPresent()) {
            throw new RefusedException(refusal.get(), state);
        }
    }

    static Optional<Refusal> check(AdminFacts approver, Proposal p) {
        if (approver.role() != AdminRole.SECURITY_ADMIN) {
            return refuse("approver-not-security-admin", "only a security admin approves trust settings");
        }
        if (p.proposer().isEmpty()) {
            return refuse(
                    "proposer-unknown",
                    "the admin who proposed the settings of '" + p.connection() + "' is not known; propose them again");
        }
        AdminFacts proposer = p.proposer().get();
        if (approver.name().equals(proposer.name())) {
            return refuse("approver-is-proposer", "the admin who proposed the settings cannot also approve them");
        }
        if (approver.name().equals(p.creator())) {
            return refuse(
                    "approver-is-creator",
                    "the admin who created connection '" + p.connection() + "' cannot approve it");
        }
        if (approver.owner().equals(proposer.owner())) {
            // One of them created the other (or a common owner created both): its creator saw the
            // token, so one credential could hold both.
            return refuse(
                    "approver-shares-owner",
                    "approver and proposer are held by the same admin credential ('" + approver.owner() + "')");
        }
        if (!approver.createdAt().isBefore(p.proposedAt())) {
            return refuse(
                    "approver-newer-than-proposal",
                    "only a security admin who existed before the settings were proposed may approve them");
        }
        return Optional.empty();
    }

    private static Optional<Refusal> refuse(String rule, String detail) {
        return Optional.of(new Refusal(rule, detail));
    }
}

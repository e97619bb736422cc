package dev.keyless.service.connection;

import java.time.Instant;

/**
 * Who wrote a connection's live trust settings and who approved which version of them. The
 * four-eyes invariant is checkable here alone: a connection issues tokens only while {@link
 * #approves(String)} holds for its live content hash, and an approval is recorded only after
 * {@link ApprovalVerifier} accepted the approver against {@code proposedBy} and {@code proposedAt}.
 */
record Approval(
        String proposedBy, Instant proposedAt, String approvedBy, Instant approvedAt, String approvedContentHash) {

    /** Settings just written by {@code by}: nobody has approved them yet. */
    static Approval proposed(String by, Instant at) {
        return new Approval(by, at, null, null, null);
    }

    Approval approvedBy(String approver, Instant at, String contentHash) {
        return new Approval(proposedBy, proposedAt, approver, at, contentHash);
    }

    boolean approves(String contentHash) {
        return approvedContentHash != null && approvedContentHash.equals(contentHash);
    }
}

package dev.keyless.protocol;

/** What an admin of a team may do; on the wire in lower snake case. */
public enum AdminRole {
    /** Activates connections, owns roles, policies and admins. */
    SECURITY_ADMIN,
    /** Creates and edits connections while they are in {@code DRAFT}, registers servers. */
    DEVOPS_ADMIN,
    /** Reads the audit trail. */
    AUDITOR,
    /**
     * Creates secret folders and writes secrets: write-only, it sets values but never reads them
     * back.
     */
    RESOURCE_ADMIN;

    /** The wire name, e.g. {@code security_admin}. */
    public String wireName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}

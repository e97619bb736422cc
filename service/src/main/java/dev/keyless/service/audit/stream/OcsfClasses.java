package dev.keyless.service.audit.stream;

import java.util.Map;

/**
 * The OCSF 1.3 class and activity of each Keyless event type. Where a class fits, it is used:
 * Authentication (3002) for a workload's token exchange (Logon), its certificate for one server
 * (Service Ticket Request), console sign-in and sign-out, the SSH login and logout the agent sees,
 * and the end of a session's access (Logoff); Authorize Session (3003, Assign Privileges) for a
 * session whose account and sudo rules are in place; Account Change (3001) for accounts created and
 * deleted (the JIT server account, an admin). Every other admin, agent or workload call is API
 * Activity (6003), its activity from the type's last word. Pure.
 */
final class OcsfClasses {
    record OcsfClass(
            int categoryUid, String categoryName, int classUid, String className, int activityId, String activityName) {
        int typeUid() {
            return classUid * 100 + activityId;
        }
    }

    private static final int IAM = 3;
    private static final String IAM_NAME = "Identity & Access Management";

    static final OcsfClass LOGON = iam(3002, "Authentication", 1, "Logon");
    static final OcsfClass LOGOFF = iam(3002, "Authentication", 2, "Logoff");
    static final OcsfClass SERVICE_TICKET = iam(3002, "Authentication", 4, "Service Ticket Request");
    static final OcsfClass ASSIGN_PRIVILEGES = iam(3003, "Authorize Session", 1, "Assign Privileges");
    static final OcsfClass ACCOUNT_CREATE = iam(3001, "Account Change", 1, "Create");
    static final OcsfClass ACCOUNT_DELETE = iam(3001, "Account Change", 6, "Delete");
    /** A checkpoint is no activity OCSF models: the base event, "Other". */
    static final OcsfClass CHECKPOINT = new OcsfClass(0, "Uncategorized", 0, "Base Event", 99, "Other");

    private static final Map<String, OcsfClass> NAMED = Map.ofEntries(
            Map.entry("workload.authenticate", LOGON),
            Map.entry("ssh.certificate.issue", SERVICE_TICKET),
            Map.entry("admin.login", LOGON),
            Map.entry("admin.login.refuse", LOGON),
            Map.entry("admin.logout", LOGOFF),
            Map.entry("server.ssh.login", LOGON),
            Map.entry("server.ssh.logout", LOGOFF),
            Map.entry("session.close", LOGOFF),
            Map.entry("session.expire", LOGOFF),
            Map.entry("session.revoke", LOGOFF),
            Map.entry("session.ready", ASSIGN_PRIVILEGES),
            Map.entry("session.provision.fail", ASSIGN_PRIVILEGES),
            Map.entry("server.account.create", ACCOUNT_CREATE),
            Map.entry("server.account.delete", ACCOUNT_DELETE),
            Map.entry("admin.create", ACCOUNT_CREATE));

    private OcsfClasses() {}

    static OcsfClass of(String eventType) {
        OcsfClass named = NAMED.get(eventType);
        if (named != null) {
            return named;
        }
        String last = eventType.substring(eventType.lastIndexOf('.') + 1);
        return switch (last) {
            case "create", "put", "configure", "bootstrap", "enroll", "request", "propose" -> api(1, "Create");
            case "test", "explain", "reveal" -> api(2, "Read");
            case "delete", "destroy", "retire", "revoke" -> api(4, "Delete");
            default -> api(3, "Update");
        };
    }

    /** Whether the class has a {@code user} (the account the activity is about) besides the actor. */
    static boolean hasTargetUser(OcsfClass c) {
        return c.classUid() == 3001 || c.classUid() == 3002 || c.classUid() == 3003;
    }

    /**
     * Whether the class is about the server's own accounts and sessions (Account Change, Authorize
     * Session): OCSF gives these no destination, so the server is their {@code device}.
     */
    static boolean onTheHost(OcsfClass c) {
        return c.classUid() == 3001 || c.classUid() == 3003;
    }

    private static OcsfClass iam(int classUid, String className, int activityId, String activityName) {
        return new OcsfClass(IAM, IAM_NAME, classUid, className, activityId, activityName);
    }

    private static OcsfClass api(int activityId, String activityName) {
        return new OcsfClass(6, "Application Activity", 6003, "API Activity", activityId, activityName);
    }
}

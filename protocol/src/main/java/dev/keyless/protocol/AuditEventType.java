package dev.keyless.protocol;

/** The stable, dotted audit event type names. */
public final class AuditEventType {
    private AuditEventType() {}

    public static final String WORKLOAD_AUTHENTICATE = "workload.authenticate";
    /** A workload asked which of its own checks pass ({@code POST .../workload/explain}); nothing issued. */
    public static final String WORKLOAD_EXPLAIN = "workload.explain";

    public static final String SSH_CERTIFICATE_ISSUE = "ssh.certificate.issue";
    public static final String SESSION_CLOSE = "session.close";
    public static final String SESSION_EXPIRE = "session.expire";
    public static final String SESSION_REVOKE = "session.revoke";
    public static final String SESSION_READY = "session.ready";
    public static final String SESSION_PROVISION_FAIL = "session.provision.fail";
    public static final String AGENT_ENROLL = "agent.enroll";
    public static final String ENROLLMENT_TOKEN_CREATE = "agent.enrollment_token.create";
    public static final String SERVER_ACCOUNT_CREATE = "server.account.create";
    public static final String SERVER_ACCOUNT_DELETE = "server.account.delete";
    public static final String SERVER_SSH_LOGIN = "server.ssh.login";
    public static final String SERVER_SSH_LOGOUT = "server.ssh.logout";
    public static final String CONNECTION_CREATE = "connection.create";
    public static final String CONNECTION_UPDATE = "connection.update";
    public static final String CONNECTION_DELETE = "connection.delete";
    public static final String CONNECTION_ACTIVATE = "connection.activate";
    public static final String CONNECTION_DEACTIVATE = "connection.deactivate";
    public static final String CONNECTION_TEST = "connection.test";
    public static final String CONNECTION_CHANGE_PROPOSE = "connection.change.propose";
    public static final String CONNECTION_CHANGE_APPROVE = "connection.change.approve";
    public static final String CONNECTION_CHANGE_REJECT = "connection.change.reject";
    /** A Draft declared ready for a second security admin (detail {@code content_hash}). */
    public static final String CONNECTION_ACTIVATION_REQUEST = "connection.activation.request";
    /** A Draft's activation request turned down by a security admin; the Draft stays editable. */
    public static final String CONNECTION_ACTIVATION_REJECT = "connection.activation.reject";
    /** A security admin's approval or activation refused by the four-eyes rules (detail {@code rule}). */
    public static final String CONNECTION_APPROVAL_REFUSE = "connection.approval.refuse";

    public static final String ROLE_CREATE = "role.create";
    public static final String ROLE_UPDATE = "role.update";
    public static final String ROLE_DELETE = "role.delete";
    public static final String POLICY_CREATE = "policy.create";
    public static final String POLICY_UPDATE = "policy.update";
    public static final String POLICY_DELETE = "policy.delete";
    /** A security admin set the team's rate limits (details {@code per_connection}, {@code per_client_ip}). */
    public static final String TEAM_RATE_LIMITS_UPDATE = "team.rate_limits.update";

    public static final String SERVER_CREATE = "server.create";
    public static final String SERVER_UPDATE = "server.update";
    public static final String SERVER_DELETE = "server.delete";
    public static final String ADMIN_CREATE = "admin.create";
    /** An admin API token minted (details {@code token_id}, {@code token_name}, {@code expires_at}); never the token. */
    public static final String ADMIN_TOKEN_CREATE = "admin.token.create";
    /** An admin API token revoked (details {@code token_id}, {@code token_name}, {@code admin}). */
    public static final String ADMIN_TOKEN_REVOKE = "admin.token.revoke";
    /** An admin signed in to the console through the team's SSO (details {@code issuer}, {@code role}). */
    public static final String ADMIN_LOGIN = "admin.login";
    /** A console sign-in refused (detail {@code reason}); actor the subject when known. */
    public static final String ADMIN_LOGIN_REFUSE = "admin.login.refuse";

    public static final String ADMIN_LOGOUT = "admin.logout";
    /** A security admin set the team's SSO provider; it takes effect once another approves it. */
    public static final String SSO_CONFIGURE = "sso.configure";

    public static final String SSO_APPROVE = "sso.approve";
    /** A security admin set the team's admin token lifetimes. */
    public static final String ADMIN_TOKEN_POLICY_UPDATE = "admin.token.policy.update";

    public static final String TEAM_BOOTSTRAP = "team.bootstrap";
    /** A team created through {@code POST /v1/teams}, with its first security admin. */
    public static final String TEAM_CREATE = "team.create";

    public static final String AGENT_HOST_CERTIFICATE_RENEW = "agent.host-certificate.renew";
    public static final String CA_ROTATE = "ca.rotate";
    public static final String CA_RETIRE = "ca.retire";
    /**
     * The operator re-sealed the service's keys under the current master key (details: how many
     * of each kind moved); recorded in the bootstrap team.
     */
    public static final String MASTER_KEY_RESEAL = "master-key.reseal";
    /** A workload's reveal of a secret value, and every refusal of one; never the value. */
    public static final String SECRET_REVEAL = "secret.reveal";

    public static final String SECRET_FOLDER_CREATE = "secret.folder.create";
    public static final String SECRET_FOLDER_DELETE = "secret.folder.delete";
    /** A new version of a secret written by a resource admin; never the value. */
    public static final String SECRET_PUT = "secret.put";

    public static final String SECRET_VERSION_DESTROY = "secret.version.destroy";
    public static final String SECRET_DELETE = "secret.delete";
    public static final String SECRET_UNDELETE = "secret.undelete";
}

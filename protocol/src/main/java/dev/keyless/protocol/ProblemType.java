package dev.keyless.protocol;

import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Every problem the service can answer with, as an RFC 7807 {@code type} of the form {@code
 * urn:keyless:problem:<slug>}, its HTTP status and its fixed title.
 *
 * <p>Titles never carry request data: the extension members of {@link Problem} say which check
 * failed. Clients use {@link #fromType(String)} to map a response back to a constant.
 */
public enum ProblemType {
    // Request shape
    MALFORMED_REQUEST("malformed-request", 400, "The request body is not valid JSON of the expected shape"),
    INVALID_REQUEST("invalid-request", 400, "The request has invalid fields"),
    BODY_TOO_LARGE("body-too-large", 413, "The request body is too large"),
    UNSUPPORTED_MEDIA_TYPE("unsupported-media-type", 415, "The request must be application/json"),
    METHOD_NOT_ALLOWED("method-not-allowed", 405, "This method is not allowed on this path"),
    NOT_FOUND("not-found", 404, "No such resource"),
    ALREADY_EXISTS("already-exists", 409, "A resource with this name already exists"),

    // Admin authentication and governance
    ADMIN_UNAUTHENTICATED("admin-unauthenticated", 401, "A valid admin token is required"),
    ADMIN_FORBIDDEN("admin-forbidden", 403, "This admin role may not perform this action"),
    CONNECTION_LOCKED("connection-locked", 409, "The connection's state does not allow this change"),
    INVALID_STATE_TRANSITION("invalid-state-transition", 409, "The connection cannot move to that state"),
    RESOURCE_IN_USE("resource-in-use", 409, "The resource is still referenced"),

    // Workload token exchange, one slug per check
    CONNECTION_NOT_FOUND("connection-not-found", 401, "No such workload connection"),
    CONNECTION_NOT_ACTIVE("connection-not-active", 401, "The workload connection is not active"),
    TOKEN_TOO_LARGE("token-too-large", 401, "The token is larger than allowed"),
    TOKEN_MALFORMED("token-malformed", 401, "The token is not a well-formed signed JWT"),
    TOKEN_ALGORITHM_NOT_ALLOWED("token-algorithm-not-allowed", 401, "The token's signing algorithm is not allowed"),
    TOKEN_HEADER_REJECTED("token-header-rejected", 401, "The token header carries a parameter that is never honoured"),
    TOKEN_KEY_UNKNOWN("token-key-unknown", 401, "The token's signing key is not in the issuer's key set"),
    TOKEN_SIGNATURE_INVALID("token-signature-invalid", 401, "The token's signature does not verify"),
    TOKEN_ISSUER_MISMATCH("token-issuer-mismatch", 401, "The token's issuer is not the connection's issuer"),
    TOKEN_AUDIENCE_MISMATCH("token-audience-mismatch", 401, "The token's audience is not allowed by the connection"),
    TOKEN_EXPIRED("token-expired", 401, "The token has expired"),
    TOKEN_NOT_YET_VALID("token-not-yet-valid", 401, "The token is not valid yet"),
    TOKEN_TOO_OLD("token-too-old", 401, "The token was issued longer ago than the connection allows"),
    TOKEN_CLAIM_MISMATCH("token-claim-mismatch", 401, "A required claim is missing or does not match"),
    TOKEN_REPLAYED("token-replayed", 401, "The token has already been exchanged"),
    TOKEN_IS_ACCESS_TOKEN("token-is-access-token", 401, "A Keyless access token cannot be exchanged"),
    JWKS_UNAVAILABLE("jwks-unavailable", 503, "The issuer's keys cannot be fetched"),
    ROLE_NOT_MATCHED("role-not-matched", 403, "No role of this connection matches the token"),
    ROLE_AMBIGUOUS("role-ambiguous", 403, "Several roles match the token; name one with role_hint"),
    ROLE_HINT_MISMATCH("role-hint-mismatch", 403, "The token does not match the requested role"),
    ROLE_WITHOUT_POLICY("role-without-policy", 403, "The role has no policy"),

    // Access tokens, certificates and sessions
    ACCESS_TOKEN_INVALID("access-token-invalid", 401, "A valid access token is required"),
    ACCESS_TOKEN_EXPIRED("access-token-expired", 401, "The access token has expired"),
    ACCESS_TOKEN_REVOKED("access-token-revoked", 401, "The access token was revoked"),
    PUBLIC_KEY_INVALID("public-key-invalid", 400, "The public key is not an OpenSSH public key of a supported type"),
    PUBLIC_KEY_WEAK("public-key-weak", 400, "The public key is too weak"),
    SERVER_NOT_FOUND("server-not-found", 404, "No such server"),
    POLICY_DENIED("policy-denied", 403, "No policy grants this role access to this server"),
    SESSION_LIMIT_REACHED("session-limit-reached", 429, "The role has reached its limit of concurrent sessions"),

    // Host agents
    AGENT_UNAUTHENTICATED("agent-unauthenticated", 401, "A valid signed agent request is required"),
    ENROLLMENT_TOKEN_INVALID("enrollment-token-invalid", 401, "The enrolment token is unknown, used or expired"),
    SESSION_ENDED("session-ended", 409, "The session has already ended"),

    // Server side
    INTERNAL("internal", 500, "Internal error"),
    UNAVAILABLE("unavailable", 503, "The service is not ready"),

    // Four eyes on trust settings
    APPROVAL_FORBIDDEN("approval-forbidden", 403, "This admin may not approve these trust settings"),
    APPROVAL_STALE("approval-stale", 409, "The settings to approve are not the ones pending"),
    // CA rotation
    CA_NOTHING_TO_RETIRE("ca-nothing-to-retire", 409, "The CA has a single key: rotate before retiring"),
    // Signed agent requests, one slug per check that a validly signed header can still fail
    AGENT_REQUEST_EXPIRED(
            "agent-request-expired", 401, "The signed agent request is expired, not yet valid or too long-lived"),
    AGENT_REQUEST_MISMATCH(
            "agent-request-mismatch", 401, "The signed agent request was signed for another method, path or body"),
    AGENT_REQUEST_REPLAYED("agent-request-replayed", 401, "The signed agent request has already been used"),
    // Secrets
    SECRET_DENIED("secret-denied", 403, "No policy grants this role this action on this secret path"),
    SECRET_NOT_FOUND("secret-not-found", 404, "No such secret"),
    SECRET_FOLDER_NOT_FOUND("secret-folder-not-found", 404, "No such secret folder"),
    SECRET_VERSION_DESTROYED("secret-version-destroyed", 410, "This version of the secret was destroyed"),
    SECRET_UNREADABLE(
            "secret-unreadable",
            500,
            "The stored secret does not authenticate: it was altered or moved to another row"),
    // Operations
    RATE_LIMITED("rate-limited", 429, "Too many requests from this client or for this connection; retry later"),
    METRICS_UNAUTHENTICATED("metrics-unauthenticated", 401, "The metrics token is required"),
    ADMIN_TOKEN_EXPIRED("admin-token-expired", 401, "The admin token has expired"),
    ADMIN_TOKEN_REVOKED("admin-token-revoked", 401, "The admin token was revoked"),
    ADMIN_SESSION_EXPIRED("admin-session-expired", 401, "The console session has ended; sign in again"),
    CSRF_REJECTED("csrf-rejected", 403, "The state-changing call lacks the session's CSRF token"),
    SSO_LOGIN_FAILED("sso-login-failed", 401, "The single sign-on did not complete"),
    AGENT_CAPACITY(
            "agent-capacity",
            503,
            "This replica holds as many agent connections as its file descriptor limit allows; retry later");

    private static final String PREFIX = "urn:keyless:problem:";
    private static final Map<String, ProblemType> BY_TYPE =
            Arrays.stream(values()).collect(Collectors.toUnmodifiableMap(ProblemType::type, Function.identity()));

    private final String slug;
    private final int status;
    private final String title;

    ProblemType(String slug, int status, String title) {
        this.slug = slug;
        this.status = status;
        this.title = title;
    }

    /** The short, stable name of the problem, e.g. {@code token-expired}. */
    public String slug() {
        return slug;
    }

    /** The HTTP status the service answers with. */
    public int status() {
        return status;
    }

    /** A fixed, human-readable summary; never contains request data. */
    public String title() {
        return title;
    }

    /** The RFC 7807 {@code type} URI, {@code urn:keyless:problem:<slug>}. */
    public String type() {
        return PREFIX + slug;
    }

    /** Maps a problem {@code type} back to its constant, if it is one of ours. */
    public static Optional<ProblemType> fromType(String type) {
        return Optional.ofNullable(type == null ? null : BY_TYPE.get(type));
    }
}

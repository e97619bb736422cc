package dev.keyless.protocol;

import java.time.Instant;
import java.util.List;

/**
 * The host agent's side of the contract, all under {@code /v1/teams/{team}}. Every call after
 * enrolment carries {@code Authorization: KeylessAgent <jws>}: a compact JWS with header {@code
 * {"alg":"EdDSA","typ":"keyless-agent+jwt","kid":agent_id}} and claims {@code iss} (agent id),
 * {@code team}, {@code server}, {@code htm} (method), {@code htu} (path and query exactly as sent),
 * {@code body_sha256} (unpadded base64url SHA-256 of the exact body bytes; of no bytes for a
 * request without a body), {@code iat}, {@code exp}, a random {@code jti} ({@link #JTI_PATTERN})
 * and, optionally, {@code agent_version} ({@link #AGENT_VERSION_PATTERN}), signed with the agent's
 * Ed25519 key. The service refuses a header that lives longer than {@link
 * #MAX_REQUEST_LIFETIME_SECONDS}, is issued more than {@link #CLOCK_SKEW_SECONDS} ahead of its
 * clock or has expired, and one whose {@code jti} it has seen before: each header is good for one
 * request, so an agent signs every request, retries included, afresh.
 */
public final class AgentRequests {
    private AgentRequests() {}

    /** The {@code typ} of a signed agent request header. */
    public static final String REQUEST_TYPE = "keyless-agent+jwt";

    /** The longest {@code exp - iat} the service accepts. */
    public static final long MAX_REQUEST_LIFETIME_SECONDS = 30;

    /** How far the agent's and the service's clocks may differ. */
    public static final long CLOCK_SKEW_SECONDS = 5;

    /** What a {@code jti} looks like: 16 to 64 base64url characters. */
    public static final String JTI_PATTERN = "[A-Za-z0-9_-]{16,64}";

    /**
     * The signed claim with the agent's version, and the {@link Enroll} field's: shown to admins as
     * the server's agent status, so it is part of what the agent signs, not a loose header.
     */
    public static final String AGENT_VERSION_CLAIM = "agent_version";

    /** What an agent version looks like: 1 to 64 characters such as {@code 0.1.0-SNAPSHOT}. */
    public static final String AGENT_VERSION_PATTERN = "[0-9A-Za-z][0-9A-Za-z.+_-]{0,63}";

    /** Event types on {@code GET /agents/events}. */
    public static final String SESSION_START = "session.start";

    public static final String SESSION_END = "session.end";

    /** Answer to {@code POST /servers/{name}/enrollment-tokens}: one use, one hour. */
    public record EnrollmentToken(String server, String token, Instant expiresAt) {}

    /**
     * {@code POST /servers/enrollment-tokens}: one token per server whose labels include every
     * label of {@code selector} (at least one label); the answer is a list of {@link
     * EnrollmentToken}, one per server, ordered by server name.
     */
    public record BulkEnrollmentTokens(ServerSelector selector) {}

    /** Servers by label: a server matches when it carries every label with an equal value. */
    public record ServerSelector(java.util.Map<String, String> labels) {}

    /**
     * {@code POST /agents/enroll}; the enrolment token authenticates the call. {@code agentVersion}
     * ({@link #AGENT_VERSION_PATTERN}) may be left out by older agents.
     */
    public record Enroll(
            String server, String enrollmentToken, String agentPublicKey, String hostPublicKey, String agentVersion) {}

    /** The host certificate and the CA keys the agent installs. */
    public record Enrolled(
            String agentId, String hostCertificate, List<String> userCaPublicKeys, List<String> hostCaPublicKeys) {}

    /**
     * One session as the agent sees it. {@code serial} is the certificate serial as a decimal
     * unsigned 64-bit number; {@code sudo} holds rendered command texts ({@code SudoCommand.text()}).
     */
    public record AgentSession(
            String id,
            String role,
            String principal,
            String serial,
            List<String> sudo,
            Instant validBefore,
            SessionState state) {}

    /** One queued event; {@code seq} increases per server. */
    public record AgentEvent(long seq, String type, AgentSession session) {}

    /**
     * Answer to {@code GET /agents/events?after=SEQ&wait_seconds=N}: the events after {@code SEQ}
     * at once, or the first ones within {@code N} seconds (0 to 55; 25 when left out). An empty
     * answer never comes sooner than the service's minimum interval (1 s by default), even for
     * {@code wait_seconds=0}, so a client that polls in a loop cannot busy-loop against it.
     *
     * <p>{@code liveSessionsDigest} is {@link LiveSessionsDigest} of the server's live sessions when
     * the answer was made, and {@code hostCaPublicKeys} the team's published host CA keys (newest
     * last): an agent compares the digest with its own sessions and calls {@code GET
     * /agents/sessions} only when they differ, so reconciling needs no second connection. Both are
     * null from a service that predates them.
     */
    public record EventBatch(
            List<AgentEvent> events,
            List<String> userCaPublicKeys,
            List<String> revokedSerials,
            List<String> hostCaPublicKeys,
            String liveSessionsDigest) {
        /**
         * The answer of a service older than the live-session digest: the host CA keys and the
         * digest are null, and the agent reconciles on its own schedule.
         */
        public EventBatch(List<AgentEvent> events, List<String> userCaPublicKeys, List<String> revokedSerials) {
            this(events, userCaPublicKeys, revokedSerials, null, null);
        }
    }

    /** Answer to {@code GET /agents/sessions}: live (PENDING, READY) sessions only. */
    public record LiveSessions(List<AgentSession> sessions) {}

    /** {@code POST /agents/sessions/{id}/ready}. */
    public record Ready(boolean accountCreated, long durationMs) {}

    /** {@code POST /agents/sessions/{id}/failed}; the reason never echoes a received value. */
    public record Failed(String reason) {}

    /** {@code POST /agents/sessions/{id}/ended}. */
    public record Ended(boolean accountDeleted, long durationMs) {}

    /**
     * Answer to {@code POST /agents/host-certificate}: a new host certificate for the host key the
     * agent enrolled, and the host CA keys clients trust.
     */
    public record HostCertificate(String hostCertificate, List<String> hostCaPublicKeys) {}

    /** {@code POST /agents/logins}; {@code type} is {@code login} or {@code logout}. */
    public record Login(String type, String user, String serial, String keyId, String sourceAddress) {}
}

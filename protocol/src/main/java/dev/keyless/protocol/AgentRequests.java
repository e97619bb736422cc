package dev.keyless.protocol;

import java.time.Instant;
import java.util.List;

/**
 * The host agent's side of the contract. Every call after enrolment carries {@code Authorization:
 * KeylessAgent <jws>}: an EdDSA JWS ({@code typ keyless-agent+jwt}, {@code kid} = agent id) with
 * claims {@code team}, {@code server}, {@code htm} (method), {@code htu} (path), {@code iat},
 * {@code exp} (at most two minutes later) and {@code jti}, signed with the agent's enrolled key.
 */
public final class AgentRequests {
    private AgentRequests() {}

    /** {@code POST .../servers/{name}/enrollment-tokens} answer; the token is shown once. */
    public record EnrollmentToken(String server, String token, Instant expiresAt) {}

    /** {@code POST .../agents/enroll}: public keys in OpenSSH format. */
    public record Enroll(String server, String enrollmentToken, String agentPublicKey, String hostPublicKey) {}

    public record Enrolled(
            String agentId, String hostCertificate, List<String> userCaPublicKeys, List<String> hostCaPublicKeys) {}

    /** A session as the agent needs it; {@code sudo} holds validated sudoers command specs. */
    public record AgentSession(
            String id,
            String role,
            String principal,
            String serial,
            List<String> sudo,
            Instant validBefore,
            SessionState state) {}

    /** One queued change for the agent's server: {@code session.start} or {@code session.end}. */
    public record AgentEvent(long seq, String type, AgentSession session) {}

    /** {@code GET .../agents/events?after=SEQ&wait_seconds=N}. */
    public record AgentEvents(List<AgentEvent> events, List<String> userCaPublicKeys, List<String> revokedSerials) {}

    /** {@code GET .../agents/sessions}: the live sessions of the agent's server. */
    public record LiveSessions(List<AgentSession> sessions) {}

    public record Ready(Boolean accountCreated, Long durationMs) {}

    public record Failed(String reason) {}

    public record Ended(Boolean accountDeleted, Long durationMs) {}

    /** A login or logout seen by the PAM hook. */
    public record Login(String type, String user, String serial, String keyId, String sourceAddress) {}
}

package dev.keyless.protocol;

import java.time.Instant;
import java.util.List;

/** The workload side of the contract: token exchange, certificates, sessions. */
public final class WorkloadRequests {
    private WorkloadRequests() {}

    /** {@code POST /v1/teams/{team}/workload/authenticate}; {@code roleHint} is optional. */
    public record Authenticate(String connection, String token, String roleHint) {}

    /**
     * A short-lived, non-refreshable access token. {@code expiresIn} is in seconds; {@code
     * principal} is the Unix user {@code wl_<role>}.
     */
    public record AccessToken(String accessToken, String tokenType, long expiresIn, String role, String principal) {}

    /** {@code POST /v1/teams/{team}/ssh/certificates}: one server, an OpenSSH public key line. */
    public record CertificateRequest(String server, String publicKey) {}

    /** Where the client connects. */
    public record ServerEndpoint(String name, String address, int port) {}

    /** A one-session OpenSSH user certificate and what the client needs to use it. */
    public record CertificateResponse(
            String sessionId,
            String certificate,
            String principal,
            Instant validAfter,
            Instant validBefore,
            ServerEndpoint server,
            List<String> hostCaPublicKeys,
            SessionState state) {}

    /** A session's state as {@code GET .../sessions/{id}} shows it. */
    public record SessionView(
            String sessionId,
            SessionState state,
            String role,
            String principal,
            String server,
            String serial,
            Instant validAfter,
            Instant validBefore,
            Instant createdAt,
            Instant closedAt,
            String reason) {}
}

package dev.keyless.agent.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.keyless.protocol.AgentRequests;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Builds {@code Authorization: KeylessAgent <jws>} for one request: a compact JWS (RFC 7515) with
 * header {@code {"alg":"EdDSA","typ":"keyless-agent+jwt","kid":agent_id}} and claims {@code iss,
 * team, server, htm, htu (path and query), body_sha256, iat, exp (iat+30), jti, agent_version}, signed with the
 * agent's Ed25519 key (RFC 8037). Binding method, path, query and body (as DPoP, RFC 9449, binds
 * method and URI) keeps a captured header from being used for another request; the service
 * accepts each {@code jti} once, so every request, retries included, needs a header of its own.
 * Thread-safe.
 */
public final class AgentRequestSigner {
    public static final String SCHEME = "KeylessAgent";
    private static final long LIFETIME_SECONDS = AgentRequests.MAX_REQUEST_LIFETIME_SECONDS;
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

    private final AgentKey key;
    private final String agentId;
    private final String team;
    private final String server;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();

    public AgentRequestSigner(AgentKey key, String agentId, String team, String server, Clock clock) {
        this.key = key;
        this.agentId = agentId;
        this.team = team;
        this.server = server;
        this.clock = clock;
    }

    /**
     * The header value for {@code method} on {@code target} (the path and query exactly as sent)
     * with exactly {@code body} (empty for none).
     */
    public String authorization(String method, String target, byte[] body) {
        Map<String, Object> header = new LinkedHashMap<>();
        header.put("alg", "EdDSA");
        header.put("typ", AgentRequests.REQUEST_TYPE);
        header.put("kid", agentId);
        long now = clock.instant().getEpochSecond();
        byte[] nonce = new byte[16];
        random.nextBytes(nonce);
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("iss", agentId);
        claims.put("team", team);
        claims.put("server", server);
        claims.put("htm", method);
        claims.put("htu", target);
        claims.put("body_sha256", B64.encodeToString(sha256(body)));
        claims.put("iat", now);
        claims.put("exp", now + LIFETIME_SECONDS);
        claims.put("jti", B64.encodeToString(nonce));
        claims.put(AgentRequests.AGENT_VERSION_CLAIM, AgentVersion.CURRENT);
        String signingInput = part(header) + "." + part(claims);
        byte[] signature = key.sign(signingInput.getBytes(StandardCharsets.US_ASCII));
        return SCHEME + " " + signingInput + "." + B64.encodeToString(signature);
    }

    private static byte[] sha256(byte[] body) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(body);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java platform", e);
        }
    }

    private static String part(Map<String, Object> json) {
        try {
            return B64.encodeToString(Json.MAPPER.writeValueAsBytes(json));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("could not encode a JWS part", e);
        }
    }
}

package dev.keyless.agent.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Builds {@code Authorization: KeylessAgent <jws>} for one request: a compact JWS (RFC 7515) with
 * header {@code {"alg":"EdDSA","typ":"keyless-agent+jwt","kid":agent_id}} and claims {@code iss,
 * team, server, htm, htu, iat, exp (iat+60), jti}, signed with the agent's Ed25519 key (RFC 8037).
 * Binding method and path (as in DPoP, RFC 9449) keeps a captured header from being replayed
 * against another endpoint; the service also rejects a reused {@code jti}. Thread-safe.
 */
public final class AgentRequestSigner {
    public static final String SCHEME = "KeylessAgent";
    private static final long LIFETIME_SECONDS = 60;
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

    /** The header value for {@code method} on {@code path} (no query string). */
    public String authorization(String method, String path) {
        Map<String, Object> header = new LinkedHashMap<>();
        header.put("alg", "EdDSA");
        header.put("typ", "keyless-agent+jwt");
        header.put("kid", agentId);
        long now = clock.instant().getEpochSecond();
        byte[] nonce = new byte[16];
        random.nextBytes(nonce);
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("iss", agentId);
        claims.put("team", team);
        claims.put("server", server);
        claims.put("htm", method);
        claims.put("htu", path);
        claims.put("iat", now);
        claims.put("exp", now + LIFETIME_SECONDS);
        claims.put("jti", B64.encodeToString(nonce));
        String signingInput = part(header) + "." + part(claims);
        byte[] signature = key.sign(signingInput.getBytes(StandardCharsets.US_ASCII));
        return SCHEME + " " + signingInput + "." + B64.encodeToString(signature);
    }

    private static String part(Map<String, Object> json) {
        try {
            return B64.encodeToString(Json.MAPPER.writeValueAsBytes(json));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("could not encode a JWS part", e);
        }
    }
}

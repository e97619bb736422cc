package dev.keyless.service.accesstoken;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jwt.JWTClaimsSet;
import dev.keyless.protocol.AgentRequests;
import dev.keyless.protocol.ProblemType;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.regex.Pattern;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;

/**
 * Verifies the signed request header of a host agent (see {@link AgentRequests}): a compact JWS
 * (EdDSA, {@code typ keyless-agent+jwt}, {@code kid} = agent id) over the team, server, method,
 * path with query and a SHA-256 of the body, living at most {@value
 * AgentRequests#MAX_REQUEST_LIFETIME_SECONDS} s. Binding the request stops a captured header being
 * used for another endpoint, query or body; the short lifetime bounds how long its {@code jti} must
 * be remembered to make it single-use, which the caller does with {@link AgentRequest#keepUntil()}.
 * Stateless and thread-safe.
 */
public final class AgentRequestVerifier {
    public static final JOSEObjectType TYPE = new JOSEObjectType(AgentRequests.REQUEST_TYPE);
    private static final Duration MAX_LIFETIME = Duration.ofSeconds(AgentRequests.MAX_REQUEST_LIFETIME_SECONDS);
    private static final Duration SKEW = Duration.ofSeconds(AgentRequests.CLOCK_SKEW_SECONDS);
    private static final Pattern JTI = Pattern.compile(AgentRequests.JTI_PATTERN);
    private static final Pattern VERSION = Pattern.compile(AgentRequests.AGENT_VERSION_PATTERN);

    private final Clock clock;

    public AgentRequestVerifier(Clock clock) {
        this.clock = clock;
    }

    /** The request as the service received it: method, raw path with query, exact body bytes. */
    @SuppressWarnings("ArrayRecordComponent") // the bytes are the value; equality is not used
    public record Received(String method, String target, byte[] body) {}

    /**
     * What a verified header says; its {@code jti} must be claimed until {@code keepUntil}, after
     * which the header fails the time checks anyway. {@code agentVersion} is the signed {@code
     * agent_version} claim, null from an agent that sends none.
     */
    public record AgentRequest(
            String agentId, String team, String server, String jti, Instant keepUntil, String agentVersion) {}

    /** The {@code kid} of the header, to look up the agent's key; empty string if unreadable. */
    public static String agentIdOf(String jws) {
        try {
            String kid = JWSObject.parse(jws).getHeader().getKeyID();
            return kid == null ? "" : kid;
        } catch (ParseException e) {
            return "";
        }
    }

    /** The {@code body_sha256} claim for {@code body}: unpadded base64url of its SHA-256. */
    public static String bodyDigest(byte[] body) {
        try {
            return Base64.getUrlEncoder()
                    .withoutPadding()
                    .encodeToString(MessageDigest.getInstance("SHA-256").digest(body));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java platform", e);
        }
    }

    public AgentRequest verify(String jws, byte[] ed25519PublicKey, Received received) {
        JWSObject object = signed(jws, ed25519PublicKey);
        JWTClaimsSet claims;
        try {
            claims = JWTClaimsSet.parse(object.getPayload().toJSONObject());
        } catch (ParseException | RuntimeException e) {
            throw reject(ProblemType.AGENT_UNAUTHENTICATED, "the agent request header carries no JWT claims");
        }
        Instant keepUntil = checkTimes(claims);
        Object jti = claims.getClaim("jti");
        Object team = claims.getClaim("team");
        Object server = claims.getClaim("server");
        String kid = object.getHeader().getKeyID();
        if (!(jti instanceof String id) || !JTI.matcher(id).matches()) {
            throw reject(ProblemType.AGENT_UNAUTHENTICATED, "the agent request header has no valid jti");
        }
        if (!(team instanceof String t) || !(server instanceof String s) || !kid.equals(claims.getClaim("iss"))) {
            throw reject(ProblemType.AGENT_UNAUTHENTICATED, "the agent request header names no team, server or issuer");
        }
        Object version = claims.getClaim(AgentRequests.AGENT_VERSION_CLAIM);
        if (version != null
                && !(version instanceof String v && VERSION.matcher(v).matches())) {
            throw reject(
                    ProblemType.AGENT_UNAUTHENTICATED, "the agent request header's agent_version is not a version");
        }
        checkBinding(claims, received);
        return new AgentRequest(kid, t, s, id, keepUntil, (String) version);
    }

    private static JWSObject signed(String jws, byte[] ed25519PublicKey) {
        JWSObject object;
        try {
            object = JWSObject.parse(jws);
        } catch (ParseException | RuntimeException e) {
            throw reject(ProblemType.AGENT_UNAUTHENTICATED, "the agent request header is not a signed JWT");
        }
        if (!JWSAlgorithm.EdDSA.equals(object.getHeader().getAlgorithm())
                || !TYPE.equals(object.getHeader().getType())
                || object.getHeader().getKeyID() == null) {
            throw reject(
                    ProblemType.AGENT_UNAUTHENTICATED, "the agent request header must be an EdDSA keyless-agent+jwt");
        }
        try {
            if (object.verify(BouncyCastleEdDsa.verifier(new Ed25519PublicKeyParameters(ed25519PublicKey, 0)))) {
                return object;
            }
        } catch (JOSEException | IllegalStateException e) {
            // fall through: any failure to verify is the same refusal
        }
        throw reject(ProblemType.AGENT_UNAUTHENTICATED, "the agent request signature does not verify");
    }

    /** Issued at most {@code SKEW} ahead, not expired, living at most {@code MAX_LIFETIME}. */
    private Instant checkTimes(JWTClaimsSet claims) {
        Date iat = claims.getIssueTime();
        Date exp = claims.getExpirationTime();
        if (iat == null || exp == null) {
            throw reject(ProblemType.AGENT_REQUEST_EXPIRED, "the agent request header needs iat and exp");
        }
        Instant now = clock.instant();
        Duration lifetime = Duration.between(iat.toInstant(), exp.toInstant());
        if (lifetime.isNegative() || lifetime.compareTo(MAX_LIFETIME) > 0) {
            throw reject(
                    ProblemType.AGENT_REQUEST_EXPIRED,
                    "the agent request header must expire within " + MAX_LIFETIME.toSeconds() + " s of iat");
        }
        if (iat.toInstant().isAfter(now.plus(SKEW))) {
            throw reject(ProblemType.AGENT_REQUEST_EXPIRED, "the agent request header is issued in the future");
        }
        Instant keepUntil = exp.toInstant().plus(SKEW);
        if (!now.isBefore(keepUntil)) {
            throw reject(ProblemType.AGENT_REQUEST_EXPIRED, "the agent request header has expired");
        }
        return keepUntil;
    }

    private static void checkBinding(JWTClaimsSet claims, Received received) {
        if (!received.method().equals(claims.getClaim("htm"))
                || !received.target().equals(claims.getClaim("htu"))) {
            throw reject(
                    ProblemType.AGENT_REQUEST_MISMATCH,
                    "the agent request header was signed for another method, path or query");
        }
        Object digest = claims.getClaim("body_sha256");
        if (!(digest instanceof String d)
                || !MessageDigest.isEqual(
                        d.getBytes(StandardCharsets.US_ASCII),
                        bodyDigest(received.body()).getBytes(StandardCharsets.US_ASCII))) {
            throw reject(ProblemType.AGENT_REQUEST_MISMATCH, "the agent request header was signed for another body");
        }
    }

    private static Rejected reject(ProblemType type, String message) {
        return new Rejected(type, message);
    }

    /** The header was refused; the message names the check and never carries the header. */
    public static final class Rejected extends RuntimeException {
        private static final long serialVersionUID = 1L;

        private final ProblemType type;

        Rejected(ProblemType type, String message) {
            super(message, null, false, false);
            this.type = type;
        }

        /** The problem the refusal answers with. */
        public ProblemType type() {
            return type;
        }
    }
}

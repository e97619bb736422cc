package dev.keyless.service.access;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jwt.JWTClaimsSet;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;

/**
 * Verifies the signed request header of a host agent: a compact JWS (EdDSA, {@code typ
 * keyless-agent+jwt}, {@code kid} = agent id) over the team, server, method and path of the request,
 * valid for at most two minutes. Binding method and path stops a captured header being replayed
 * against another endpoint; the short lifetime bounds replay against the same one.
 */
public final class AgentRequestVerifier {
    public static final JOSEObjectType TYPE = new JOSEObjectType("keyless-agent+jwt");
    private static final Duration MAX_LIFETIME = Duration.ofMinutes(2);
    private static final Duration SKEW = Duration.ofSeconds(60);

    private final Clock clock;

    public AgentRequestVerifier(Clock clock) {
        this.clock = clock;
    }

    /** What a verified header says. */
    public record AgentRequest(String agentId, String team, String server) {}

    /** The {@code kid} of the header, to look up the agent's key; empty string if unreadable. */
    public static String agentIdOf(String jws) {
        try {
            String kid = JWSObject.parse(jws).getHeader().getKeyID();
            return kid == null ? "" : kid;
        } catch (ParseException e) {
            return "";
        }
    }

    public AgentRequest verify(String jws, byte[] ed25519PublicKey, String method, String path) {
        JWSObject object;
        JWTClaimsSet claims;
        try {
            object = JWSObject.parse(jws);
            claims = JWTClaimsSet.parse(object.getPayload().toJSONObject());
        } catch (ParseException | RuntimeException e) {
            throw reject("the agent request header is not a signed JWT");
        }
        if (!JWSAlgorithm.EdDSA.equals(object.getHeader().getAlgorithm())
                || !TYPE.equals(object.getHeader().getType())) {
            throw reject("the agent request header must be an EdDSA keyless-agent+jwt");
        }
        try {
            if (!object.verify(BouncyCastleEdDsa.verifier(new Ed25519PublicKeyParameters(ed25519PublicKey, 0)))) {
                throw reject("the agent request signature does not verify");
            }
        } catch (JOSEException e) {
            throw reject("the agent request signature does not verify");
        }
        Instant now = clock.instant();
        Date iat = claims.getIssueTime();
        Date exp = claims.getExpirationTime();
        if (iat == null
                || exp == null
                || exp.toInstant().isBefore(now.minus(SKEW))
                || iat.toInstant().isAfter(now.plus(SKEW))
                || Duration.between(iat.toInstant(), exp.toInstant()).compareTo(MAX_LIFETIME) > 0) {
            throw reject("the agent request header is expired or too long-lived");
        }
        Object htm = claims.getClaim("htm");
        Object htu = claims.getClaim("htu");
        if (!method.equals(htm) || !path.equals(htu)) {
            throw reject("the agent request header was signed for another request");
        }
        Object team = claims.getClaim("team");
        Object server = claims.getClaim("server");
        if (!(team instanceof String t) || !(server instanceof String s)) {
            throw reject("the agent request header names no team and server");
        }
        return new AgentRequest(object.getHeader().getKeyID(), t, s);
    }

    private static Rejected reject(String message) {
        return new Rejected(message);
    }

    /** The header was refused; the message names the check and never carries the header. */
    public static final class Rejected extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Rejected(String message) {
            super(message, null, false, false);
        }
    }
}

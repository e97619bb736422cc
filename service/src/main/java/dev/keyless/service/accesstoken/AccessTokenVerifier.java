package dev.keyless.service.accesstoken;

import static dev.keyless.protocol.ProblemType.ACCESS_TOKEN_EXPIRED;
import static dev.keyless.protocol.ProblemType.ACCESS_TOKEN_INVALID;

import com.nimbusds.jose.Algorithm;
import com.nimbusds.jose.Header;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jose.util.JSONObjectUtils;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.keyless.service.platformtoken.RefusedHeaders;
import java.text.ParseException;
import java.time.Clock;
import java.util.Collection;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;

/**
 * Accepts or rejects the service's own access tokens. Checks run in a fixed order: size and form,
 * {@code alg} (EdDSA only: {@code none} and HMAC never reach a verifier), {@code typ}, header
 * parameters that are never honoured ({@link RefusedHeaders}, the list the platform-token checks
 * use), {@code kid} among the configured keys, signature, then {@code iss}, {@code aud =
 * keyless:<team>}, required claims, and {@code exp} with zero clock skew: issuer and verifier are
 * this service, so there is no foreign clock to forgive (replicas are expected to run NTP).
 * Generation checks against the database are the caller's job. Thread-safe.
 */
public final class AccessTokenVerifier {
    static final String TEAM = "team";
    static final String CONNECTION = "connection";
    static final String ROLE = "role";
    static final String CONNECTION_GENERATION = "cgen";
    static final String ROLE_GENERATION = "rgen";
    static final String RUN_ID = "run_id";

    /** Larger than any token we issue; bigger input is refused before any parsing. */
    private static final int MAX_TOKEN_LENGTH = 4096;

    private final String issuer;
    private final Map<String, JWSVerifier> verifiers = new HashMap<>();
    private final Clock clock;
    private final KnownAccessTokens known;

    /**
     * @param issuer the service's {@code iss}
     * @param publicKeys every Ed25519 public key in use (more than one during a rotation)
     */
    public AccessTokenVerifier(String issuer, Collection<byte[]> publicKeys, Clock clock) {
        this(issuer, publicKeys, clock, KnownAccessTokens.none());
    }

    /**
     * @param known tokens issued or verified before, whose signatures need no second check
     */
    public AccessTokenVerifier(String issuer, Collection<byte[]> publicKeys, Clock clock, KnownAccessTokens known) {
        this.issuer = Objects.requireNonNull(issuer, "issuer");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.known = Objects.requireNonNull(known, "known");
        for (byte[] publicKey : publicKeys) {
            verifiers.put(
                    Ed25519KeyMaterial.keyId(publicKey),
                    BouncyCastleEdDsa.verifier(new Ed25519PublicKeyParameters(publicKey)));
        }
    }

    /** A verifier for one key and the system clock. */
    public static AccessTokenVerifier forKey(String issuer, Ed25519KeyMaterial key) {
        return new AccessTokenVerifier(issuer, List.of(key.publicKey()), Clock.systemUTC());
    }

    /**
     * Verifies {@code token} for {@code team}.
     *
     * @throws AccessTokenRejectedException naming the failed check, never the token
     */
    public AccessClaims verify(String token, String team) {
        AccessClaims result = verifyIgnoringExpiry(token, team);
        if (!clock.instant().isBefore(result.expiresAt())) {
            throw new AccessTokenRejectedException(ACCESS_TOKEN_EXPIRED, "access token has expired");
        }
        return result;
    }

    /**
     * Every check but expiry. Only for actions that can only take access away, such as closing the
     * token's own sessions after a job outlived its access token.
     *
     * @throws AccessTokenRejectedException naming the failed check, never the token
     */
    public AccessClaims verifyIgnoringExpiry(String token, String team) {
        AccessClaims seen = token == null || token.length() > MAX_TOKEN_LENGTH ? null : known.lookup(token);
        if (seen != null) {
            // This exact text passed every check below before (or was issued here); only the
            // team depends on the call.
            if (!team.equals(seen.team())) {
                throw invalid("access token was issued for another team");
            }
            return seen;
        }
        SignedJWT jwt = parse(token);
        JWSHeader header = jwt.getHeader();
        if (!JWSAlgorithm.EdDSA.equals(header.getAlgorithm())) {
            throw invalid("access token algorithm is not EdDSA");
        }
        if (header.getType() == null
                || !AccessTokenIssuer.TYPE.equals(header.getType().getType())) {
            throw invalid("access token type is not " + AccessTokenIssuer.TYPE);
        }
        if (RefusedHeaders.firstIn(header.getIncludedParams()).isPresent()) {
            throw invalid("access token header carries a parameter that is never honoured");
        }
        JWSVerifier verifier = header.getKeyID() == null ? null : verifiers.get(header.getKeyID());
        if (verifier == null) {
            throw invalid("access token key is not a current service key");
        }
        JWTClaimsSet claims;
        try {
            if (!jwt.verify(verifier)) {
                throw invalid("access token signature does not verify");
            }
            claims = jwt.getJWTClaimsSet();
        } catch (JOSEException | ParseException e) {
            throw invalid("access token is not a well-formed signed JWT");
        }
        if (!issuer.equals(claims.getIssuer())) {
            throw invalid("access token issuer is not this service");
        }
        if (!List.of(AccessTokenIssuer.AUDIENCE_PREFIX + team).equals(claims.getAudience())) {
            throw invalid("access token was issued for another team");
        }
        AccessClaims result = toClaims(claims);
        if (!team.equals(result.team())) {
            throw invalid("access token was issued for another team");
        }
        known.remember(token, result);
        return result;
    }

    /**
     * Whether a compact JWT's header says it is a Keyless access token ({@code typ}, compared
     * case-insensitively and with or without {@code application/}, RFC 7515 §4.1.9), so the
     * exchange can refuse one offered as a platform token. Looks at the header only; never throws.
     */
    public static boolean looksLikeAccessToken(String compactJwt) {
        if (compactJwt == null || compactJwt.length() > 16 * MAX_TOKEN_LENGTH) {
            return false;
        }
        int dot = compactJwt.indexOf('.');
        if (dot <= 0) {
            return false;
        }
        try {
            Map<String, Object> header =
                    JSONObjectUtils.parse(new Base64URL(compactJwt.substring(0, dot)).decodeToString());
            Object typ = header.get("typ");
            return typ instanceof String t
                    && (AccessTokenIssuer.TYPE.equalsIgnoreCase(t)
                            || ("application/" + AccessTokenIssuer.TYPE).equalsIgnoreCase(t));
        } catch (ParseException | RuntimeException e) {
            return false;
        }
    }

    private static SignedJWT parse(String token) {
        if (token == null || token.isEmpty()) {
            throw invalid("access token is missing");
        }
        if (token.length() > MAX_TOKEN_LENGTH) {
            throw invalid("access token is too large");
        }
        String[] parts = token.split("\\.", -1);
        if (parts.length != 3) {
            throw invalid("access token is not a well-formed signed JWT");
        }
        try {
            return new SignedJWT(new Base64URL(parts[0]), new Base64URL(parts[1]), new Base64URL(parts[2]));
        } catch (ParseException | RuntimeException e) {
            // Cold path only: SignedJWT refuses "none" and HMAC headers with a generic error, so the
            // header is read again to say which check failed.
            Algorithm algorithm = algorithmOf(parts[0]);
            if (algorithm != null && !JWSAlgorithm.EdDSA.equals(algorithm)) {
                throw invalid("access token algorithm is not EdDSA");
            }
            throw invalid("access token is not a well-formed signed JWT");
        }
    }

    private static Algorithm algorithmOf(String encodedHeader) {
        try {
            return Header.parse(new Base64URL(encodedHeader)).getAlgorithm();
        } catch (ParseException | RuntimeException e) {
            return null;
        }
    }

    private static AccessClaims toClaims(JWTClaimsSet claims) {
        try {
            Date iat = claims.getIssueTime();
            Date exp = claims.getExpirationTime();
            Long cgen = claims.getLongClaim(CONNECTION_GENERATION);
            Long rgen = claims.getLongClaim(ROLE_GENERATION);
            String team = claims.getStringClaim(TEAM);
            String connection = claims.getStringClaim(CONNECTION);
            String role = claims.getStringClaim(ROLE);
            if (iat == null
                    || exp == null
                    || cgen == null
                    || rgen == null
                    || team == null
                    || connection == null
                    || role == null
                    || claims.getSubject() == null
                    || claims.getJWTID() == null) {
                throw invalid("access token is missing required claims");
            }
            return new AccessClaims(
                    team,
                    connection,
                    role,
                    claims.getSubject(),
                    claims.getJWTID(),
                    cgen,
                    rgen,
                    claims.getStringClaim(RUN_ID),
                    iat.toInstant(),
                    exp.toInstant());
        } catch (ParseException e) {
            throw invalid("access token claims have the wrong types");
        }
    }

    private static AccessTokenRejectedException invalid(String message) {
        return new AccessTokenRejectedException(ACCESS_TOKEN_INVALID, message);
    }
}

package dev.keyless.service.accesstoken;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.Date;
import java.util.Objects;

/**
 * Mints the service's access tokens: compact JWS, {@code alg: EdDSA}, {@code typ: keyless-at+jwt},
 * {@code kid} from {@link Ed25519KeyMaterial#keyId()}. Claims: {@code iss}, {@code aud =
 * keyless:<team>}, {@code sub}, a random 128-bit {@code jti}, {@code iat}, {@code exp}, and {@code
 * team}, {@code connection}, {@code role}, {@code cgen}, {@code rgen}, {@code run_id} (omitted
 * when null). Thread-safe.
 */
public final class AccessTokenIssuer {
    /** The JOSE {@code typ} of every access token. */
    public static final String TYPE = "keyless-at+jwt";
    /** Longest TTL an access token may get (the policy maximum). */
    public static final Duration MAX_TTL = Duration.ofHours(1);

    static final String AUDIENCE_PREFIX = "keyless:";

    private final JWSSigner signer;
    private final JWSHeader header;
    private final String issuer;
    private final Clock clock;
    private final SecureRandom random;
    private final KnownAccessTokens known;

    /**
     * @param key the current signing key
     * @param issuer the service's {@code iss}, e.g. {@code keyless}
     */
    public AccessTokenIssuer(Ed25519KeyMaterial key, String issuer, Clock clock, SecureRandom random) {
        this(key, issuer, clock, random, KnownAccessTokens.none());
    }

    /**
     * @param known where issued tokens are remembered, shared with this service's {@link
     *     AccessTokenVerifier} so it need not check their signatures again
     */
    public AccessTokenIssuer(
            Ed25519KeyMaterial key, String issuer, Clock clock, SecureRandom random, KnownAccessTokens known) {
        this.signer = BouncyCastleEdDsa.signer(key.privateParameters());
        this.header = new JWSHeader.Builder(JWSAlgorithm.EdDSA)
                .type(new JOSEObjectType(TYPE))
                .keyID(key.keyId())
                .build();
        this.issuer = Objects.requireNonNull(issuer, "issuer");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.random = Objects.requireNonNull(random, "random");
        this.known = Objects.requireNonNull(known, "known");
    }

    public AccessTokenIssuer(Ed25519KeyMaterial key, String issuer) {
        this(key, issuer, Clock.systemUTC(), new SecureRandom());
    }

    /** Signs a token for {@code request}; times are whole seconds, as JWT carries them. */
    public IssuedAccessToken issue(AccessTokenRequest request) {
        Duration ttl = request.ttl();
        if (ttl == null || ttl.compareTo(Duration.ofSeconds(1)) < 0 || ttl.compareTo(MAX_TTL) > 0) {
            throw new IllegalArgumentException("access token TTL must be between 1 s and 1 h");
        }
        Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        AccessClaims claims = new AccessClaims(
                required(request.team(), "team"),
                required(request.connection(), "connection"),
                required(request.role(), "role"),
                required(request.subject(), "subject"),
                newTokenId(),
                request.connectionGeneration(),
                request.roleGeneration(),
                request.runId(),
                now,
                now.plus(ttl));
        SignedJWT jwt = new SignedJWT(header, toJwt(claims));
        try {
            jwt.sign(signer);
        } catch (JOSEException e) {
            throw new IllegalStateException("signing an access token failed", e);
        }
        String token = jwt.serialize();
        known.remember(token, claims);
        return new IssuedAccessToken(token, claims);
    }

    private JWTClaimsSet toJwt(AccessClaims claims) {
        return new JWTClaimsSet.Builder()
                .issuer(issuer)
                .audience(AUDIENCE_PREFIX + claims.team())
                .subject(claims.subject())
                .jwtID(claims.tokenId())
                .issueTime(Date.from(claims.issuedAt()))
                .expirationTime(Date.from(claims.expiresAt()))
                .claim(AccessTokenVerifier.TEAM, claims.team())
                .claim(AccessTokenVerifier.CONNECTION, claims.connection())
                .claim(AccessTokenVerifier.ROLE, claims.role())
                .claim(AccessTokenVerifier.CONNECTION_GENERATION, claims.connectionGeneration())
                .claim(AccessTokenVerifier.ROLE_GENERATION, claims.roleGeneration())
                .claim(AccessTokenVerifier.RUN_ID, claims.runId())
                .build();
    }

    private String newTokenId() {
        byte[] id = new byte[16];
        random.nextBytes(id);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(id);
    }

    private static String required(String value, String name) {
        if (value == null || value.isEmpty()) {
            throw new IllegalArgumentException(name + " is required");
        }
        return value;
    }
}

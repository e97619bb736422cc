package dev.keyless.testkit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.util.Base64URL;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.EdECPrivateKeySpec;
import java.security.spec.NamedParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Signed test tokens in each platform's claim shape, and hostile tokens for negative tests. Claims
 * are plain mutable maps so a test can change any claim before signing.
 */
public final class TestTokens {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration DEFAULT_TTL = Duration.ofMinutes(10);

    private TestTokens() {}

    /** A platform's reference claims ({@code github-actions}, {@code gitlab}, ...) as a mutable map. */
    public static Map<String, Object> fixture(String name) {
        String path = "/fixtures/claims/" + name + ".json";
        try (InputStream in = TestTokens.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalArgumentException("no claims fixture " + name);
            }
            return JSON.readValue(in, new TypeReference<LinkedHashMap<String, Object>>() {});
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A fixture made current: {@code iss} and {@code aud} replaced (an array {@code aud} stays an
     * array), issued at {@code now}, valid ten minutes, and a fresh {@code jti} if the platform sends
     * one.
     */
    public static Map<String, Object> claims(String fixture, String issuer, String audience, Instant now) {
        Map<String, Object> claims = fixture(fixture);
        claims.put("iss", issuer);
        claims.put("aud", claims.get("aud") instanceof List<?> ? List.of(audience) : audience);
        times(claims, now, DEFAULT_TTL);
        if (claims.containsKey("jti")) {
            claims.put("jti", UUID.randomUUID().toString());
        }
        return claims;
    }

    /** Sets {@code iat} (and {@code nbf} if present) to {@code issuedAt} and {@code exp} after {@code ttl}. */
    public static Map<String, Object> times(Map<String, Object> claims, Instant issuedAt, Duration ttl) {
        claims.put("iat", issuedAt.getEpochSecond());
        if (claims.containsKey("nbf")) {
            claims.put("nbf", issuedAt.getEpochSecond());
        }
        claims.put("exp", issuedAt.plus(ttl).getEpochSecond());
        return claims;
    }

    /** Signs with the key's natural algorithm (RSA: RS256, EC: ES256, OKP: EdDSA) and its kid. */
    public static String sign(Map<String, ?> claims, JWK key) {
        return sign(claims, key, Map.of());
    }

    /** Signs with extra or overriding header parameters ({@code alg}, {@code kid}, {@code jku}, ...). */
    public static String sign(Map<String, ?> claims, JWK key, Map<String, ?> headerParams) {
        Map<String, Object> header = new LinkedHashMap<>();
        header.put("alg", naturalAlgorithm(key).getName());
        header.put("typ", "JWT");
        if (key.getKeyID() != null) {
            header.put("kid", key.getKeyID());
        }
        headerParams.forEach((k, v) -> {
            if (v == null) {
                header.remove(k);
            } else {
                header.put(k, v);
            }
        });
        return signRaw(header, claims, key);
    }

    /** Signs exactly this header and these claims with the key, whatever the header says. */
    public static String signRaw(Map<String, ?> header, Map<String, ?> claims, JWK key) {
        String input = encode(header) + "." + encode(claims);
        JWSAlgorithm alg = JWSAlgorithm.parse(String.valueOf(header.get("alg")));
        byte[] signature = signBytes(key, alg, input.getBytes(StandardCharsets.US_ASCII));
        return input + "." + Base64URL.encode(signature);
    }

    /** An unsecured JWT: {@code alg: none} and an empty signature. */
    public static String unsecured(Map<String, ?> claims) {
        return encode(Map.of("alg", "none", "typ", "JWT")) + "." + encode(claims) + ".";
    }

    /**
     * The key-confusion attack: HS256 with the RSA public key's DER bytes as the HMAC secret, the
     * kid of the RSA key.
     */
    public static String hmacWithPublicKey(Map<String, ?> claims, RSAKey rsa) {
        try {
            byte[] secret = rsa.toRSAPublicKey().getEncoded();
            Map<String, Object> header = Map.of("alg", "HS256", "kid", rsa.getKeyID(), "typ", "JWT");
            String input = encode(header) + "." + encode(claims);
            Base64URL mac = new MACSigner(secret)
                    .sign(new JWSHeader(JWSAlgorithm.HS256), input.getBytes(StandardCharsets.US_ASCII));
            return input + "." + mac;
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Base64url of the JSON of a value, as a JWS segment. */
    public static String encode(Object json) {
        try {
            return Base64URL.encode(JSON.writeValueAsBytes(json)).toString();
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static JWSAlgorithm naturalAlgorithm(JWK key) {
        if (key instanceof RSAKey) {
            return JWSAlgorithm.RS256;
        }
        if (key instanceof ECKey) {
            return JWSAlgorithm.ES256;
        }
        return JWSAlgorithm.EdDSA;
    }

    private static byte[] signBytes(JWK key, JWSAlgorithm alg, byte[] input) {
        try {
            if (key instanceof OctetKeyPair okp) {
                return ed25519(okp, input);
            }
            JWSSigner signer = key instanceof RSAKey rsa ? new RSASSASigner(rsa) : new ECDSASigner((ECKey) key);
            return signer.sign(new JWSHeader(alg), input).decode();
        } catch (JOSEException | GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] ed25519(OctetKeyPair okp, byte[] input) throws GeneralSecurityException {
        PrivateKey key = KeyFactory.getInstance("Ed25519")
                .generatePrivate(new EdECPrivateKeySpec(
                        NamedParameterSpec.ED25519, okp.getD().decode()));
        Signature sig = Signature.getInstance("Ed25519");
        sig.initSign(key);
        sig.update(input);
        return sig.sign();
    }
}

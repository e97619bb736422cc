package dev.keyless.testkit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.util.Base64URL;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.EdECPrivateKeySpec;
import java.security.spec.NamedParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
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
    private static final String BASE64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

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
        JWSAlgorithm alg = JWSAlgorithm.parse(String.valueOf(header.get("alg")));
        return signInput(encode(header) + "." + encode(claims), alg, key);
    }

    /**
     * Signs exactly this signing input ({@code header.payload}, spelled however the caller likes)
     * and appends the canonical base64url signature. ECDSA signatures come out low-S, as the
     * service requires.
     */
    public static String signInput(String signingInput, JWSAlgorithm alg, JWK key) {
        byte[] signature = signBytes(key, alg, signingInput.getBytes(StandardCharsets.US_ASCII));
        return signingInput + "." + Base64URL.encode(signature);
    }

    /**
     * The other spellings of a base64url segment that decode to the same bytes: its last character
     * with the unused low bits (4 when the length is 2 mod 4, 2 when it is 3 mod 4) set otherwise.
     * Empty when the segment has no unused bits.
     */
    public static List<String> nonCanonicalSpellings(String segment) {
        int unused =
                switch (segment.length() % 4) {
                    case 2 -> 4;
                    case 3 -> 2;
                    default -> 0;
                };
        String head = segment.substring(0, segment.length() - 1);
        int last = BASE64URL.indexOf(segment.charAt(segment.length() - 1));
        int mask = (1 << unused) - 1;
        List<String> spellings = new ArrayList<>();
        for (int low = 0; low <= mask; low++) {
            int index = (last & ~mask) | low;
            if (index != last) {
                spellings.add(head + BASE64URL.charAt(index));
            }
        }
        return spellings;
    }

    /**
     * The ES256/384/512 token with the other valid signature of the same input, {@code (r, n - s)}:
     * high-S for tokens signed here. Anyone can make it from a token they hold; no key needed.
     */
    public static String ecdsaTwin(String token) {
        int dot = token.lastIndexOf('.');
        String header = token.substring(0, token.indexOf('.'));
        try {
            JWSAlgorithm alg = JWSHeader.parse(new Base64URL(header)).getAlgorithm();
            byte[] signature = new Base64URL(token.substring(dot + 1)).decode();
            return token.substring(0, dot + 1) + Base64URL.encode(twin(signature, curveOrder(alg)));
        } catch (java.text.ParseException e) {
            throw new IllegalArgumentException("not a JWS header", e);
        }
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
            if (key instanceof RSAKey rsa) {
                return new RSASSASigner(rsa).sign(new JWSHeader(alg), input).decode();
            }
            return lowS(
                    new ECDSASigner((ECKey) key).sign(new JWSHeader(alg), input).decode(), curveOrder(alg));
        } catch (JOSEException | GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    // The JCA signer under nimbus makes high-S half of the time; careful issuers normalise.
    private static byte[] lowS(byte[] signature, BigInteger n) {
        return s(signature).compareTo(n.shiftRight(1)) <= 0 ? signature : twin(signature, n);
    }

    /** R || S with S replaced by n - S. */
    private static byte[] twin(byte[] signature, BigInteger n) {
        int half = signature.length / 2;
        byte[] twin = Arrays.copyOf(signature, signature.length);
        System.arraycopy(fixed(n.subtract(s(signature)), half), 0, twin, half, half);
        return twin;
    }

    private static BigInteger s(byte[] signature) {
        return new BigInteger(1, Arrays.copyOfRange(signature, signature.length / 2, signature.length));
    }

    private static BigInteger curveOrder(JWSAlgorithm alg) {
        return Curve.forJWSAlgorithm(alg).iterator().next().toECParameterSpec().getOrder();
    }

    /** The unsigned big-endian bytes of {@code value}, left-padded to {@code length}. */
    private static byte[] fixed(BigInteger value, int length) {
        byte[] raw = value.toByteArray();
        byte[] out = new byte[length];
        int copy = Math.min(raw.length, length);
        System.arraycopy(raw, raw.length - copy, out, length - copy, copy);
        return out;
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

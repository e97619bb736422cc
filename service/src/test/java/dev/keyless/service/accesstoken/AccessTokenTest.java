package dev.keyless.service.accesstoken;

import static dev.keyless.protocol.ProblemType.ACCESS_TOKEN_EXPIRED;
import static dev.keyless.protocol.ProblemType.ACCESS_TOKEN_INVALID;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class AccessTokenTest {
    private static final Instant NOW = Instant.parse("2025-06-01T12:00:00Z");
    private static final Ed25519KeyMaterial KEY = Ed25519KeyMaterial.generate();
    private static final Ed25519KeyMaterial OTHER_KEY = Ed25519KeyMaterial.generate();
    private static final AccessTokenRequest REQUEST = new AccessTokenRequest(
            "acme", "github", "deploy", "repo:acme/app:ref:refs/heads/main", 3, 7, "1234567", Duration.ofMinutes(5));
    private static final AccessTokenIssuer ISSUER = issuer(KEY, "keyless");
    private static final AccessTokenVerifier VERIFIER = verifierAt(NOW.plusSeconds(10), KEY);

    @Test
    void roundTrip() throws Exception {
        IssuedAccessToken issued = ISSUER.issue(REQUEST);
        AccessClaims claims = VERIFIER.verify(issued.token(), "acme");

        assertThat(claims).isEqualTo(issued.claims());
        assertThat(claims)
                .isEqualTo(new AccessClaims(
                        "acme",
                        "github",
                        "deploy",
                        "repo:acme/app:ref:refs/heads/main",
                        claims.tokenId(),
                        3,
                        7,
                        "1234567",
                        NOW,
                        NOW.plus(Duration.ofMinutes(5))));
        assertThat(Base64URL.from(claims.tokenId()).decode()).hasSize(16);
        JWSHeader header = SignedJWT.parse(issued.token()).getHeader();
        assertThat(header.getAlgorithm()).isEqualTo(JWSAlgorithm.EdDSA);
        assertThat(header.getType()).isEqualTo(new JOSEObjectType("keyless-at+jwt"));
        assertThat(header.getKeyID()).isEqualTo(KEY.keyId()).hasSize(16);
        JWTClaimsSet set = SignedJWT.parse(issued.token()).getJWTClaimsSet();
        assertThat(set.getAudience()).containsExactly("keyless:acme");
        assertThat(set.getIssuer()).isEqualTo("keyless");
        assertThat(issued.toString()).doesNotContain(issued.token());
    }

    @Test
    void roundTripWithoutRunIdAndUniqueTokenIds() {
        AccessTokenRequest noRun = new AccessTokenRequest(
                "acme", "gitlab", "deploy", "project_path:a/b", 1, 1, null, Duration.ofMinutes(1));
        IssuedAccessToken first = ISSUER.issue(noRun);
        IssuedAccessToken second = ISSUER.issue(noRun);
        assertThat(VERIFIER.verify(first.token(), "acme").runId()).isNull();
        assertThat(first.claims().tokenId()).isNotEqualTo(second.claims().tokenId());
    }

    @Test
    void acceptsEveryKeyOfARotation() {
        AccessTokenVerifier both =
                new AccessTokenVerifier("keyless", List.of(KEY.publicKey(), OTHER_KEY.publicKey()), fixed(NOW));
        assertThat(both.verify(issuer(OTHER_KEY, "keyless").issue(REQUEST).token(), "acme")
                        .role())
                .isEqualTo("deploy");
        assertThat(both.verify(ISSUER.issue(REQUEST).token(), "acme").role()).isEqualTo("deploy");
    }

    @Test
    void expiresWithZeroSkew() {
        String token = ISSUER.issue(REQUEST).token();
        Instant exp = NOW.plus(Duration.ofMinutes(5));
        assertThat(verifierAt(exp.minusMillis(1), KEY).verify(token, "acme").expiresAt())
                .isEqualTo(exp);
        assertThatThrownBy(() -> verifierAt(exp, KEY).verify(token, "acme"))
                .isInstanceOfSatisfying(AccessTokenRejectedException.class, e -> {
                    assertThat(e.problemType()).isEqualTo(ACCESS_TOKEN_EXPIRED);
                    assertThat(e.getMessage()).isEqualTo("access token has expired");
                });
    }

    static Stream<Arguments> rejections() {
        return Stream.of(
                reject("missing", t -> "", "access token is missing"),
                reject("too large", t -> t + "A".repeat(5000), "access token is too large"),
                reject(
                        "two parts",
                        t -> t.substring(0, t.lastIndexOf('.')),
                        "access token is not a well-formed signed JWT"),
                reject(
                        "garbage header",
                        t -> "!!!." + t.split("\\.", -1)[1] + ".x",
                        "access token is not a well-formed signed JWT"),
                reject("signature tampered", AccessTokenTest::flipSignature, "access token signature does not verify"),
                reject(
                        "payload tampered",
                        t -> replacePayload(t, "\"role\":\"deploy\"", "\"role\":\"admin1\""),
                        "access token signature does not verify"),
                reject(
                        "signature cut short",
                        t -> t.substring(0, t.length() - 4),
                        "access token signature does not verify"),
                reject(
                        "alg none",
                        t -> resign(t, "{\"alg\":\"none\",\"typ\":\"keyless-at+jwt\"}", null),
                        "access token algorithm is not EdDSA"),
                reject(
                        "alg HS256 keyed with the public key",
                        AccessTokenTest::hmacWithPublicKey,
                        "access token algorithm is not EdDSA"),
                reject(
                        "typ JWT",
                        t -> resign(t, header("JWT", KEY.keyId(), ""), KEY),
                        "access token type is not keyless-at+jwt"),
                reject(
                        "typ missing",
                        t -> resign(t, "{\"alg\":\"EdDSA\",\"kid\":\"" + KEY.keyId() + "\"}", KEY),
                        "access token type is not keyless-at+jwt"),
                reject(
                        "embedded jwk",
                        t -> resign(t, header("keyless-at+jwt", KEY.keyId(), ",\"jwk\":" + jwk(KEY)), KEY),
                        "access token header carries a parameter that is never honoured"),
                reject(
                        "jku",
                        t -> resign(t, header("keyless-at+jwt", KEY.keyId(), ",\"jku\":\"https://evil/\""), KEY),
                        "access token header carries a parameter that is never honoured"),
                reject(
                        "unknown kid",
                        t -> issuer(OTHER_KEY, "keyless").issue(REQUEST).token(),
                        "access token key is not a current service key"),
                reject(
                        "our kid, other key",
                        t -> resign(t, header("keyless-at+jwt", KEY.keyId(), ""), OTHER_KEY),
                        "access token signature does not verify"),
                reject(
                        "no kid",
                        t -> resign(t, "{\"alg\":\"EdDSA\",\"typ\":\"keyless-at+jwt\"}", KEY),
                        "access token key is not a current service key"),
                reject(
                        "other issuer",
                        t -> issuer(KEY, "someone-else").issue(REQUEST).token(),
                        "access token issuer is not this service"),
                reject(
                        "other team",
                        t -> issuer(KEY, "keyless").issue(withTeam("globex")).token(),
                        "access token was issued for another team"),
                reject(
                        "team claim differs from aud",
                        t -> resignPayload(t, "\"team\":\"acme\"", "\"team\":\"globx\""),
                        "access token was issued for another team"),
                reject(
                        "missing cgen",
                        t -> resignPayload(t, "\"cgen\":3", "\"xgen\":3"),
                        "access token is missing required claims"),
                reject(
                        "cgen of wrong type",
                        t -> resignPayload(t, "\"cgen\":3", "\"cgen\":\"3\""),
                        "access token claims have the wrong types"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource
    void rejections(String name, Function<String, String> mutate, String message) {
        String token = mutate.apply(ISSUER.issue(REQUEST).token());
        assertThatThrownBy(() -> VERIFIER.verify(token, "acme"))
                .isInstanceOfSatisfying(AccessTokenRejectedException.class, e -> {
                    assertThat(e.problemType()).isEqualTo(ACCESS_TOKEN_INVALID);
                    assertThat(e.getMessage()).isEqualTo(message);
                });
    }

    /** The same table with the untouched token known (issued by an issuer sharing the verifier's memory). */
    @ParameterizedTest(name = "{0}")
    @MethodSource("rejections")
    void rejectionsAreTheSameWhenTheOriginalTokenIsKnown(String name, Function<String, String> mutate, String message) {
        KnownAccessTokens known = new KnownAccessTokens(100);
        String original = new AccessTokenIssuer(KEY, "keyless", fixed(NOW), new SecureRandom(), known)
                .issue(REQUEST)
                .token();
        AccessTokenVerifier verifier =
                new AccessTokenVerifier("keyless", List.of(KEY.publicKey()), fixed(NOW.plusSeconds(10)), known);
        assertThat(verifier.verify(original, "acme").role()).isEqualTo("deploy");
        String token = mutate.apply(original);
        assertThatThrownBy(() -> verifier.verify(token, "acme"))
                .isInstanceOfSatisfying(AccessTokenRejectedException.class, e -> {
                    assertThat(e.problemType()).isEqualTo(ACCESS_TOKEN_INVALID);
                    assertThat(e.getMessage()).isEqualTo(message);
                });
    }

    @Test
    void aKnownTokenSkipsOnlyTheSignatureCheck() {
        KnownAccessTokens known = new KnownAccessTokens(100);
        String token = new AccessTokenIssuer(KEY, "keyless", fixed(NOW), new SecureRandom(), known)
                .issue(REQUEST)
                .token();
        // A verifier that does not even hold the signing key accepts it: the signature was not checked.
        AccessTokenVerifier otherKey =
                new AccessTokenVerifier("keyless", List.of(OTHER_KEY.publicKey()), fixed(NOW.plusSeconds(10)), known);
        assertThat(otherKey.verify(token, "acme").role()).isEqualTo("deploy");
        // Team and expiry still are.
        assertThatThrownBy(() -> otherKey.verify(token, "globex"))
                .hasMessage("access token was issued for another team");
        AccessTokenVerifier late = new AccessTokenVerifier(
                "keyless", List.of(OTHER_KEY.publicKey()), fixed(NOW.plus(Duration.ofMinutes(5))), known);
        assertThatThrownBy(() -> late.verify(token, "acme")).hasMessage("access token has expired");
        assertThat(late.verifyIgnoringExpiry(token, "acme").role()).isEqualTo("deploy");
    }

    @Test
    void fullyVerifiedTokensAreRememberedAndTheOldestGoFirst() {
        KnownAccessTokens known = new KnownAccessTokens(2);
        AccessTokenVerifier verifier =
                new AccessTokenVerifier("keyless", List.of(KEY.publicKey()), fixed(NOW.plusSeconds(10)), known);
        List<String> tokens =
                Stream.generate(() -> ISSUER.issue(REQUEST).token()).limit(3).toList();
        tokens.forEach(t -> verifier.verify(t, "acme"));
        assertThat(known.size()).isEqualTo(2);

        AccessTokenVerifier withoutKey =
                new AccessTokenVerifier("keyless", List.of(OTHER_KEY.publicKey()), fixed(NOW.plusSeconds(10)), known);
        assertThatThrownBy(() -> withoutKey.verify(tokens.get(0), "acme"))
                .as("the oldest fell out and is verified in full")
                .hasMessage("access token key is not a current service key");
        assertThat(withoutKey.verify(tokens.get(2), "acme").role()).isEqualTo("deploy");
    }

    static Stream<Arguments> looksLikeAccessToken() {
        String ours = ISSUER.issue(REQUEST).token();
        String body = ours.substring(ours.indexOf('.'));
        return Stream.of(
                Arguments.of("our token", ours, true),
                Arguments.of(
                        "typ with application/",
                        b64("{\"alg\":\"RS256\",\"typ\":\"application/keyless-at+jwt\"}") + body,
                        true),
                Arguments.of("typ in upper case", b64("{\"alg\":\"RS256\",\"typ\":\"KEYLESS-AT+JWT\"}") + body, true),
                Arguments.of("platform token", b64("{\"alg\":\"RS256\",\"typ\":\"JWT\",\"kid\":\"x\"}") + body, false),
                Arguments.of("no typ", b64("{\"alg\":\"RS256\"}") + body, false),
                Arguments.of("typ not a string", b64("{\"typ\":1}") + body, false),
                Arguments.of("header not JSON", b64("keyless-at+jwt") + body, false),
                Arguments.of("header not base64", "***" + body, false),
                Arguments.of("no dot", "abc", false),
                Arguments.of("empty", "", false),
                Arguments.of("null", null, false));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource
    void looksLikeAccessToken(String name, String token, boolean expected) {
        assertThat(AccessTokenVerifier.looksLikeAccessToken(token)).isEqualTo(expected);
    }

    @Test
    void keyMaterialRoundTripsThroughItsSeed() {
        Ed25519KeyMaterial copy = Ed25519KeyMaterial.fromSeed(KEY.seed());
        assertThat(copy.publicKey()).isEqualTo(KEY.publicKey());
        assertThat(copy.keyId()).isEqualTo(KEY.keyId()).isNotEqualTo(OTHER_KEY.keyId());
        assertThat(copy.toString()).isEqualTo("Ed25519KeyMaterial[kid=" + KEY.keyId() + "]");
        assertThatThrownBy(() -> Ed25519KeyMaterial.fromSeed(new byte[31]))
                .hasMessage("an Ed25519 seed is exactly 32 bytes");
    }

    @Test
    void keyIdIsTheRfc7638ThumbprintPrefix() throws Exception {
        OctetKeyPair jwk = new OctetKeyPair.Builder(Curve.Ed25519, Base64URL.encode(KEY.publicKey())).build();
        assertThat(KEY.keyId()).isEqualTo(jwk.computeThumbprint().toString().substring(0, 16));
    }

    @Test
    void refusesTtlOutsideBounds() {
        assertThatThrownBy(() -> ISSUER.issue(withTtl(Duration.ofMinutes(61))))
                .hasMessage("access token TTL must be between 1 s and 1 h");
        assertThatThrownBy(() -> ISSUER.issue(withTtl(Duration.ZERO)))
                .hasMessage("access token TTL must be between 1 s and 1 h");
    }

    // --- helpers ---

    private static Arguments reject(String name, Function<String, String> mutate, String message) {
        return Arguments.of(name, mutate, message);
    }

    private static AccessTokenIssuer issuer(Ed25519KeyMaterial key, String iss) {
        return new AccessTokenIssuer(key, iss, fixed(NOW), new SecureRandom());
    }

    private static AccessTokenVerifier verifierAt(Instant now, Ed25519KeyMaterial key) {
        return new AccessTokenVerifier("keyless", List.of(key.publicKey()), fixed(now));
    }

    private static Clock fixed(Instant now) {
        return Clock.fixed(now, ZoneOffset.UTC);
    }

    private static AccessTokenRequest withTeam(String team) {
        return new AccessTokenRequest(team, "github", "deploy", "s", 3, 7, null, Duration.ofMinutes(5));
    }

    private static AccessTokenRequest withTtl(Duration ttl) {
        return new AccessTokenRequest("acme", "github", "deploy", "s", 3, 7, null, ttl);
    }

    private static String header(String typ, String kid, String extra) {
        return "{\"alg\":\"EdDSA\",\"typ\":\"" + typ + "\",\"kid\":\"" + kid + "\"" + extra + "}";
    }

    private static String jwk(Ed25519KeyMaterial key) {
        return "{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"x\":\"" + Base64URL.encode(key.publicKey()) + "\"}";
    }

    private static String b64(String json) {
        return Base64URL.encode(json.getBytes(StandardCharsets.UTF_8)).toString();
    }

    /** Flips one bit in the middle of the signature (the last character may only carry padding bits). */
    private static String flipSignature(String token) {
        int i = token.lastIndexOf('.') + 20;
        char c = token.charAt(i);
        return token.substring(0, i) + (c == 'A' ? 'B' : 'A') + token.substring(i + 1);
    }

    private static String payload(String token) {
        return new Base64URL(token.split("\\.", -1)[1]).decodeToString();
    }

    private static String replacePayload(String token, String from, String to) {
        String[] parts = token.split("\\.", -1);
        String changed = payload(token).replace(from, to);
        assertThat(changed).isNotEqualTo(payload(token));
        return parts[0] + "." + b64(changed) + "." + parts[2];
    }

    /** New header, same payload, signed with {@code key} (or no signature when null). */
    private static String resign(String token, String headerJson, Ed25519KeyMaterial key) {
        String input = b64(headerJson) + "." + token.split("\\.", -1)[1];
        return input + "." + (key == null ? "" : sign(input, key));
    }

    /** Same header, changed payload, validly signed with our key: only claim checks can catch it. */
    private static String resignPayload(String token, String from, String to) {
        String[] parts = replacePayload(token, from, to).split("\\.", -1);
        String input = parts[0] + "." + parts[1];
        return input + "." + sign(input, KEY);
    }

    private static String sign(String input, Ed25519KeyMaterial key) {
        try {
            JWSHeader h = new JWSHeader(JWSAlgorithm.EdDSA);
            return BouncyCastleEdDsa.signer(key.privateParameters())
                    .sign(h, input.getBytes(StandardCharsets.US_ASCII))
                    .toString();
        } catch (com.nimbusds.jose.JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The classic confusion attack: HS256 with the public key bytes as the HMAC secret. */
    private static String hmacWithPublicKey(String token) {
        try {
            String input = b64("{\"alg\":\"HS256\",\"typ\":\"keyless-at+jwt\",\"kid\":\"" + KEY.keyId() + "\"}") + "."
                    + token.split("\\.", -1)[1];
            byte[] secret = Arrays.copyOf(KEY.publicKey(), 32);
            Base64URL mac = new MACSigner(secret)
                    .sign(new JWSHeader(JWSAlgorithm.HS256), input.getBytes(StandardCharsets.US_ASCII));
            return input + "." + mac;
        } catch (com.nimbusds.jose.JOSEException e) {
            throw new IllegalStateException(e);
        }
    }
}

package dev.keyless.service.platformtoken;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jose.util.JSONObjectUtils;
import dev.keyless.protocol.ProblemType;
import dev.keyless.service.claims.ClaimConditions;
import dev.keyless.service.platformtoken.jwks.JwkSetSource;
import dev.keyless.service.platformtoken.jwks.PinnedJwkSetSource;
import dev.keyless.testkit.TestKeys;
import dev.keyless.testkit.TestTokens;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * One token, one exchange: a signed token has one accepted spelling, and its replay key is what
 * the issuer signed, not the string it arrived as. Keys are pinned, as a connection can pin them.
 */
class TokenEncodingTest {
    static final String ISSUER = "https://ci.example.com";
    static final String AUDIENCE = "https://keyless.example.com";
    static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");
    static final RSAKey RSA = TestKeys.rsa("rsa-1");
    static final ECKey P256 = TestKeys.ec("p256");
    static final ECKey P384 = ec(Curve.P_384, "p384");
    static final ECKey P521 = ec(Curve.P_521, "p521");
    static final OctetKeyPair ED = TestKeys.ed25519("ed-1");
    // Ed25519's group order L (RFC 8032 section 5.1).
    static final BigInteger ED25519_L =
            BigInteger.TWO.pow(252).add(new BigInteger("27742317777372353535851937790883648493"));

    final PlatformTokenVerifier verifier = new PlatformTokenVerifier();

    static ECKey ec(Curve curve, String kid) {
        try {
            return new ECKeyGenerator(curve).keyID(kid).generate();
        } catch (com.nimbusds.jose.JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    static JwkSetSource keys(JWK... keys) {
        try {
            return PinnedJwkSetSource.of(JSONObjectUtils.parse(TestKeys.jwksJson(keys)), 10, NOW);
        } catch (java.text.ParseException e) {
            throw new IllegalStateException(e);
        }
    }

    static VerificationSettings settings() {
        return new VerificationSettings(
                ISSUER,
                List.of(AUDIENCE),
                EnumSet.allOf(SigningAlgorithm.class),
                ClaimConditions.none(),
                Duration.ofHours(1),
                Duration.ofSeconds(60));
    }

    /** Jenkins' shape: no jti, so the replay key is what was signed. */
    static Map<String, Object> jenkins() {
        return TestTokens.claims("jenkins", ISSUER, AUDIENCE, NOW);
    }

    VerifiedToken verify(String token, JWK... trusted) {
        return verifier.verify(token, settings(), keys(trusted), NOW);
    }

    static ProblemType refusal(String token, JWK... trusted) {
        try {
            new PlatformTokenVerifier().verify(token, settings(), keys(trusted), NOW);
        } catch (TokenRejectedException e) {
            assertThat(e.getMessage()).doesNotContain(token);
            return e.problemType();
        }
        return null;
    }

    static String[] parts(String token) {
        return token.split("\\.");
    }

    static Stream<Arguments> signatureSpellings() {
        String token = TestTokens.sign(jenkins(), RSA);
        String[] p = parts(token);
        return TestTokens.nonCanonicalSpellings(p[2]).stream()
                .map(s -> Arguments.of(Named.of("…" + s.substring(s.length() - 3), p[0] + "." + p[1] + "." + s)));
    }

    @Test
    void anRs256SignatureHasFifteenOtherSpellings() {
        String token = TestTokens.sign(jenkins(), RSA);
        String signature = parts(token)[2];
        List<String> spellings = TestTokens.nonCanonicalSpellings(signature);
        assertThat(signature).hasSize(342);
        assertThat(spellings).hasSize(15).allSatisfy(s -> assertThat(new Base64URL(s).decode())
                .isEqualTo(new Base64URL(signature).decode()));
        assertThat(verify(token, RSA).subject()).isNotNull();
    }

    @ParameterizedTest(name = "refuses the RS256 signature spelled {0}")
    @MethodSource("signatureSpellings")
    void refusesEveryOtherSpellingOfAnRs256Signature(String respelled) {
        assertThatThrownBy(() -> verify(respelled, RSA)).isInstanceOfSatisfying(TokenRejectedException.class, e -> {
            assertThat(e.problemType()).isEqualTo(ProblemType.TOKEN_MALFORMED);
            assertThat(e.check()).isEqualTo(TokenCheck.STRUCTURE);
            assertThat(e.getMessage())
                    .isEqualTo("the signature is not canonical base64url: its last character" + " has unused bits set");
        });
    }

    /** A header or payload whose length leaves unused bits, spelled otherwise and signed as spelled. */
    static Stream<Arguments> partSpellings() {
        Map<String, Object> header = new LinkedHashMap<>(Map.of("alg", "RS256", "kid", "rsa-1"));
        Map<String, Object> claims = jenkins();
        for (int pad = 0; TestTokens.encode(header).length() % 4 != 2; pad++) {
            header.put("x-pad", "a".repeat(pad));
        }
        for (int pad = 0; TestTokens.encode(claims).length() % 4 != 2; pad++) {
            claims.put("x-pad", "a".repeat(pad));
        }
        String h = TestTokens.encode(header);
        String p = TestTokens.encode(claims);
        String otherHeader = TestTokens.nonCanonicalSpellings(h).get(0);
        String otherPayload = TestTokens.nonCanonicalSpellings(p).get(0);
        return Stream.of(
                Arguments.of(
                        Named.of("header", TestTokens.signInput(otherHeader + "." + p, JWSAlgorithm.RS256, RSA)),
                        "header"),
                Arguments.of(
                        Named.of("payload", TestTokens.signInput(h + "." + otherPayload, JWSAlgorithm.RS256, RSA)),
                        "payload"),
                Arguments.of(
                        Named.of(
                                "canonical twin still verifies",
                                TestTokens.signInput(h + "." + p, JWSAlgorithm.RS256, RSA)),
                        null));
    }

    @ParameterizedTest(name = "non-canonical {0}")
    @MethodSource("partSpellings")
    void refusesNonCanonicalHeaderAndPayloadEvenWhenSignedAsSpelled(String token, String part) {
        if (part == null) {
            assertThat(verify(token, RSA).subject()).isNotNull();
            return;
        }
        assertThatThrownBy(() -> verify(token, RSA)).isInstanceOfSatisfying(TokenRejectedException.class, e -> {
            assertThat(e.problemType()).isEqualTo(ProblemType.TOKEN_MALFORMED);
            assertThat(e.getMessage()).startsWith("the " + part + " is not canonical base64url");
        });
    }

    static Stream<Arguments> ecKeys() {
        return Stream.of(
                Arguments.of(Named.of("ES256", P256), JWSAlgorithm.ES256),
                Arguments.of(Named.of("ES384", P384), JWSAlgorithm.ES384),
                Arguments.of(Named.of("ES512", P521), JWSAlgorithm.ES512));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("ecKeys")
    void refusesTheHighSTwinOfAValidEcdsaSignature(ECKey key, JWSAlgorithm alg) {
        String low = TestTokens.sign(jenkins(), key, Map.of("alg", alg.getName()));
        String high = TestTokens.ecdsaTwin(low);
        assertThat(high).isNotEqualTo(low);
        assertThat(TestTokens.ecdsaTwin(high)).isEqualTo(low);

        assertThatThrownBy(() -> verify(high, key)).isInstanceOfSatisfying(TokenRejectedException.class, e -> {
            assertThat(e.problemType()).isEqualTo(ProblemType.TOKEN_SIGNATURE_INVALID);
            assertThat(e.check()).isEqualTo(TokenCheck.SIGNATURE);
            assertThat(e.getMessage()).contains("high-S");
        });
        assertThat(verify(low, key).subject()).isNotNull();
    }

    static Stream<Arguments> malleatedSignatures() {
        return Stream.of(
                Arguments.of(Named.of("RSA signature plus the modulus", RSA), (java.util.function.UnaryOperator<byte[]>)
                        s -> unsigned(new BigInteger(1, s).add(RSA.getModulus().decodeToBigInteger()))),
                Arguments.of(
                        Named.of("Ed25519 S plus the group order L", ED),
                        (java.util.function.UnaryOperator<byte[]>) TokenEncodingTest::ed25519PlusL));
    }

    @ParameterizedTest(name = "refuses {0}")
    @MethodSource("malleatedSignatures")
    void refusesOtherSignaturesOfTheSameInputMadeByArithmetic(
            JWK key, java.util.function.UnaryOperator<byte[]> change) {
        String token = TestTokens.sign(jenkins(), key);
        String[] p = parts(token);
        byte[] changed = change.apply(new Base64URL(p[2]).decode());
        String malleated = p[0] + "." + p[1] + "." + Base64URL.encode(changed);
        assertThat(refusal(malleated, key)).isEqualTo(ProblemType.TOKEN_SIGNATURE_INVALID);
    }

    static byte[] unsigned(BigInteger value) {
        byte[] raw = value.toByteArray();
        return raw[0] == 0 ? Arrays.copyOfRange(raw, 1, raw.length) : raw;
    }

    /** Ed25519 signatures are R || S with S little-endian; S + L still fits in 32 bytes. */
    static byte[] ed25519PlusL(byte[] signature) {
        byte[] s = reverse(Arrays.copyOfRange(signature, 32, 64));
        byte[] bigger = reverse(fixed(new BigInteger(1, s).add(ED25519_L), 32));
        byte[] out = Arrays.copyOf(signature, 64);
        System.arraycopy(bigger, 0, out, 32, 32);
        return out;
    }

    static byte[] fixed(BigInteger value, int length) {
        byte[] raw = unsigned(value);
        assertThat(raw.length).isLessThanOrEqualTo(length);
        byte[] out = new byte[length];
        System.arraycopy(raw, 0, out, length - raw.length, raw.length);
        return out;
    }

    static byte[] reverse(byte[] bytes) {
        byte[] out = new byte[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            out[i] = bytes[bytes.length - 1 - i];
        }
        return out;
    }

    static Stream<Arguments> resignings() {
        return Stream.of(
                Arguments.of(Named.of("PS256 (randomised salt)", RSA), JWSAlgorithm.PS256),
                Arguments.of(Named.of("ES256 (random nonce)", P256), JWSAlgorithm.ES256));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("resignings")
    void twoSignaturesOfTheSameContentShareOneReplayKey(JWK key, JWSAlgorithm alg) {
        Map<String, Object> header = Map.of("alg", alg.getName(), "kid", key.getKeyID());
        String input = TestTokens.encode(header) + "." + TestTokens.encode(jenkins());
        String first = TestTokens.signInput(input, alg, key);
        String second = TestTokens.signInput(input, alg, key);
        assertThat(second).isNotEqualTo(first);

        assertThat(verify(second, key).replayKey()).isEqualTo(verify(first, key).replayKey());
    }

    @Test
    void theReplayKeyIsWhatWasSignedByWhichKeyAndNeverTheTeamOrSpelling() {
        Map<String, Object> claims = jenkins();
        VerifiedToken token = verify(TestTokens.sign(claims, RSA), RSA);
        RSAKey otherTeamsKey = TestKeys.rsa("rsa-1");
        VerifiedToken sameContentOtherKey = verify(TestTokens.sign(claims, otherTeamsKey), otherTeamsKey);
        assertThat(token.jwtId()).isNull();
        assertThat(token.replayKey())
                .startsWith("signed " + token.signingKey() + " ")
                .endsWith(" " + token.signedSha256())
                .doesNotContain(AUDIENCE);
        // Another key set naming the same issuer (another team's connection) cannot pre-claim it.
        assertThat(sameContentOtherKey.replayKey()).isNotEqualTo(token.replayKey());
    }

    @Test
    void aJtiTokenIsKeyedOnItsJtiWhateverElseItCarries() {
        Map<String, Object> first = TestTokens.claims("github-actions", ISSUER, AUDIENCE, NOW);
        Map<String, Object> second = TestTokens.claims("github-actions", ISSUER, AUDIENCE, NOW);
        second.put("jti", first.get("jti"));
        second.put("ref", "refs/heads/other");

        String a = verify(TestTokens.sign(first, RSA), RSA).replayKey();
        String b = verify(TestTokens.sign(second, RSA), RSA).replayKey();
        assertThat(a).isEqualTo(b).startsWith("jti ").endsWith(" " + first.get("jti"));
    }
}

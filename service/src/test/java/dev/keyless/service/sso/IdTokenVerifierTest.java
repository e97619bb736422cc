package dev.keyless.service.sso;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import dev.keyless.testkit.TestKeys;
import java.util.Date;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The ID token checks of a sign-in, one named case per check, each with its fixed message. */
// Nimbus's JWTClaimsSet.Builder takes its times as java.util.Date; there is no Instant overload.
@SuppressWarnings("JavaUtilDate")
class IdTokenVerifierTest {
    static final String ISSUER = "https://idp.example.com";
    static final String CLIENT = "keyless-console";
    static final String NONCE = "n-0S6_WzA2Mj";
    static final RSAKey KEY = TestKeys.rsa("idp-key-1");
    static final String JWKS = new JWKSet(KEY.toPublicJWK()).toString();

    static JWTClaimsSet.Builder good() {
        long now = System.currentTimeMillis();
        return new JWTClaimsSet.Builder()
                .issuer(ISSUER)
                .audience(CLIENT)
                .subject("alice")
                .issueTime(new Date(now))
                .expirationTime(new Date(now + 300_000))
                .claim("nonce", NONCE);
    }

    static String sign(JWTClaimsSet claims) throws Exception {
        SignedJWT jwt = new SignedJWT(
                new JWSHeader.Builder(JWSAlgorithm.RS256)
                        .keyID(KEY.getKeyID())
                        .type(JOSEObjectType.JWT)
                        .build(),
                claims);
        jwt.sign(new RSASSASigner(KEY));
        return jwt.serialize();
    }

    @Test
    void acceptsATokenThatPassesEveryCheck() throws Exception {
        JWTClaimsSet claims = IdTokenVerifier.verify(sign(good().build()), JWKS, ISSUER, CLIENT, NONCE);
        assertThat(claims.getSubject()).isEqualTo("alice");
    }

    static Stream<Arguments> refusals() {
        long now = System.currentTimeMillis();
        return Stream.of(
                Arguments.of(
                        "wrongNonce", (UnaryOperator<JWTClaimsSet.Builder>) b -> b.claim("nonce", "other"), "nonce"),
                Arguments.of("noNonce", (UnaryOperator<JWTClaimsSet.Builder>) b -> b.claim("nonce", null), "lacks"),
                Arguments.of(
                        "foreignAudience", (UnaryOperator<JWTClaimsSet.Builder>) b -> b.audience("other"), "audience"),
                Arguments.of(
                        "foreignIssuer", (UnaryOperator<JWTClaimsSet.Builder>) b -> b.issuer("https://evil"), "issuer"),
                Arguments.of(
                        "expired",
                        (UnaryOperator<JWTClaimsSet.Builder>) b -> b.expirationTime(new Date(now - 600_000)),
                        "expired"),
                Arguments.of("noSubject", (UnaryOperator<JWTClaimsSet.Builder>) b -> b.subject(null), "lacks"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refusals")
    void refusesNamingTheCheck(String name, UnaryOperator<JWTClaimsSet.Builder> change, String message)
            throws Exception {
        String token = sign(change.apply(good()).build());
        assertThatThrownBy(() -> IdTokenVerifier.verify(token, JWKS, ISSUER, CLIENT, NONCE))
                .isInstanceOf(SsoFailure.class)
                .hasMessageContaining(message)
                .hasMessageNotContaining("evil");
    }

    @Test
    void refusesHmacAndUnsignedTokens() throws Exception {
        SignedJWT hmac = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), good().build());
        hmac.sign(new MACSigner(new byte[32]));
        assertThatThrownBy(() -> IdTokenVerifier.verify(hmac.serialize(), JWKS, ISSUER, CLIENT, NONCE))
                .hasMessageContaining("signature");
        String none = new PlainJWT(good().build()).serialize();
        assertThatThrownBy(() -> IdTokenVerifier.verify(none, JWKS, ISSUER, CLIENT, NONCE))
                .isInstanceOf(SsoFailure.class);
    }

    @Test
    void refusesAKeyOutsideTheProvidersSet() throws Exception {
        String token = sign(good().build());
        String otherSet = new JWKSet(TestKeys.rsa("idp-key-2").toPublicJWK()).toString();
        assertThatThrownBy(() -> IdTokenVerifier.verify(token, otherSet, ISSUER, CLIENT, NONCE))
                .hasMessageContaining("signature");
    }
}

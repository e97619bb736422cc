package dev.keyless.service.platformtoken;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.RSAKey;
import dev.keyless.protocol.ProblemType;
import dev.keyless.service.claims.ClaimConditions;
import dev.keyless.service.platformtoken.jwks.JwkSetSource;
import dev.keyless.service.platformtoken.jwks.JwksFetchSettings;
import dev.keyless.service.platformtoken.jwks.JwksLocation;
import dev.keyless.service.platformtoken.jwks.RemoteJwkSetSource;
import dev.keyless.testkit.JwksServer;
import dev.keyless.testkit.TestClock;
import dev.keyless.testkit.TestKeys;
import dev.keyless.testkit.TestTokens;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Real HTTP: the issuer's JWKS is served by WireMock on 127.0.0.1. */
class PlatformTokenVerifierTest {
    static final String AUDIENCE = "https://keyless.example.com";
    static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");
    static final RSAKey RSA = TestKeys.rsa("rsa-1");
    static final RSAKey RSA_OTHER = TestKeys.rsa("rsa-1");
    static final ECKey EC = TestKeys.ec("ec-1");
    static final OctetKeyPair ED = TestKeys.ed25519("ed-1");
    static final RSAKey ATTACKER = TestKeys.rsa("attacker");

    final PlatformTokenVerifier verifier = new PlatformTokenVerifier();
    TestClock clock;
    JwksServer issuer;
    JwksServer attacker;
    JwkSetSource source;

    /** What a case gets to build its token from. */
    record Ctx(String issuer, String attackerJwks, Instant now) {
        Map<String, Object> claims(String fixture) {
            return TestTokens.claims(fixture, issuer, AUDIENCE, now);
        }

        Map<String, Object> github() {
            return claims("github-actions");
        }
    }

    @BeforeEach
    void start() {
        clock = new TestClock(NOW);
        issuer = new JwksServer("/.well-known/jwks", RSA, EC, ED);
        attacker = new JwksServer("/jwks", ATTACKER);
        source = remote(JwksFetchSettings.defaults().withPrivateAddressesAllowed(true));
    }

    @AfterEach
    void stop() {
        issuer.close();
        attacker.close();
    }

    RemoteJwkSetSource remote(JwksFetchSettings settings) {
        return new RemoteJwkSetSource(new JwksLocation.Direct(URI.create(issuer.jwksUri())), clock, settings);
    }

    Ctx ctx() {
        return new Ctx(issuer.issuer(), attacker.jwksUri(), clock.instant());
    }

    VerificationSettings settings(Map<String, ?> required) {
        return new VerificationSettings(
                issuer.issuer(),
                List.of(AUDIENCE, "api://second"),
                Set.of(SigningAlgorithm.RS256, SigningAlgorithm.ES256, SigningAlgorithm.EdDSA),
                ClaimConditions.parse(required),
                Duration.ofHours(1),
                Duration.ofSeconds(60));
    }

    static Stream<Arguments> accepted() {
        return Stream.of(
                Arguments.of(
                        "github token with repository and subject conditions",
                        "github-actions",
                        RSA,
                        Map.of("repository", "acme-corp/deploy-svc", "sub", "repo:acme-corp/*:environment:production")),
                Arguments.of("github token signed with ES256", "github-actions", EC, Map.of()),
                Arguments.of("github token signed with EdDSA", "github-actions", ED, Map.of()),
                Arguments.of(
                        "gitlab token with numeric runner_id written as text",
                        "gitlab",
                        RSA,
                        Map.of("runner_id", "12", "ref_protected", "true")),
                Arguments.of("jenkins token without jti", "jenkins", RSA, Map.of("build_number", 412)),
                Arguments.of(
                        "kubernetes token with aud array and nested claims",
                        "kubernetes",
                        RSA,
                        Map.of(
                                "/kubernetes.io/namespace",
                                "deploy",
                                "/kubernetes.io/serviceaccount/name",
                                "ansible-runner")),
                Arguments.of(
                        "circleci token with list and literal slash names",
                        "circleci",
                        RSA,
                        Map.of(
                                "oidc.circleci.com/context-ids",
                                "c1d2e3f4-0000-1111-2222-333344445555",
                                "oidc.circleci.com/ssh-rerun",
                                false)),
                Arguments.of(
                        "gcp token with nested number",
                        "gcp",
                        RSA,
                        Map.of("/google/compute_engine/project_number", 123456789012L, "email_verified", true)),
                Arguments.of("azure devops token", "azure-devops", EC, Map.of("sub", "sc://acme/*")));
    }

    @ParameterizedTest(name = "accepts {0}")
    @MethodSource("accepted")
    void acceptsPlatformTokens(String name, String fixture, com.nimbusds.jose.jwk.JWK key, Map<String, ?> required)
            throws Exception {
        Map<String, Object> claims = ctx().claims(fixture);
        String token = TestTokens.sign(claims, key);

        VerifiedToken verified = verifier.verify(token, settings(required), source, NOW);

        assertThat(verified.issuer()).isEqualTo(issuer.issuer());
        assertThat(verified.subject()).isEqualTo(claims.get("sub"));
        assertThat(verified.issuedAt()).isEqualTo(NOW);
        assertThat(verified.expiresAt()).isEqualTo(NOW.plus(Duration.ofMinutes(10)));
        String scope = verified.signingKey() + " " + VerifiedToken.sha256Hex(issuer.issuer()) + " ";
        if (claims.containsKey("jti")) {
            assertThat(verified.replayKey()).isEqualTo("jti " + scope + claims.get("jti"));
        } else {
            assertThat(verified.replayKey()).isEqualTo("signed " + scope + verified.signedSha256());
        }
        assertThat(verified.signingKey()).isEqualTo(key.computeThumbprint().toString());
    }

    @Test
    void verifiedClaimsArePlainJava() {
        String token = TestTokens.sign(ctx().claims("kubernetes"), RSA);
        Map<String, Object> claims =
                verifier.verify(token, settings(Map.of()), source, NOW).claims();
        assertThat(claims.get("iat")).isInstanceOf(Long.class);
        assertThat(claims.get("aud")).isEqualTo(List.of(AUDIENCE));
        assertThat(claims.get("kubernetes.io")).isInstanceOf(Map.class);
    }

    @Test
    void acceptsAudienceListContainingOneAllowedValue() {
        Map<String, Object> claims = ctx().github();
        claims.put("aud", List.of("https://elsewhere.example", "api://second"));
        assertThat(verifier.verify(TestTokens.sign(claims, RSA), settings(Map.of()), source, NOW)
                        .subject())
                .isNotNull();
    }

    @Test
    void acceptsMissingKidWhenTheSetHasExactlyOneKeyOfThatType() {
        String token = TestTokens.sign(ctx().github(), RSA, Map.of("kid", ""));
        String withoutKid = TestTokens.signRaw(Map.of("alg", "RS256"), ctx().github(), RSA);
        assertThatThrownBy(() -> verifier.verify(token, settings(Map.of()), source, NOW))
                .isInstanceOf(TokenRejectedException.class);
        assertThat(verifier.verify(withoutKid, settings(Map.of()), source, NOW)).isNotNull();
    }

    static Stream<Arguments> rejected() {
        return Stream.of(
                rejects(
                        "unsecured token with alg none and no signature",
                        ProblemType.TOKEN_MALFORMED,
                        null,
                        Map.of(),
                        c -> TestTokens.unsecured(c.github())),
                rejects(
                        "alg none with a signature part",
                        ProblemType.TOKEN_ALGORITHM_NOT_ALLOWED,
                        null,
                        Map.of(),
                        c -> TestTokens.unsecured(c.github()) + "c2lnbmF0dXJl"),
                rejects(
                        "HS256 signed with the RSA public key bytes",
                        ProblemType.TOKEN_ALGORITHM_NOT_ALLOWED,
                        null,
                        Map.of(),
                        c -> TestTokens.hmacWithPublicKey(c.github(), RSA)),
                rejects(
                        "RS384 outside the allow-list",
                        ProblemType.TOKEN_ALGORITHM_NOT_ALLOWED,
                        null,
                        Map.of(),
                        c -> TestTokens.sign(c.github(), RSA, Map.of("alg", "RS384"))),
                rejects(
                        "unknown kid",
                        ProblemType.TOKEN_KEY_UNKNOWN,
                        null,
                        Map.of(),
                        c -> TestTokens.sign(c.github(), RSA, Map.of("kid", "nope"))),
                rejects(
                        "path traversal kid",
                        ProblemType.TOKEN_KEY_UNKNOWN,
                        null,
                        Map.of(),
                        c -> TestTokens.sign(c.github(), RSA, Map.of("kid", "../../etc/passwd"))),
                rejects(
                        "kid of a key that does not fit the algorithm",
                        ProblemType.TOKEN_KEY_UNKNOWN,
                        null,
                        Map.of(),
                        c -> TestTokens.sign(c.github(), RSA, Map.of("kid", "ec-1"))),
                rejects(
                        "jku pointing elsewhere",
                        ProblemType.TOKEN_HEADER_REJECTED,
                        "jku",
                        Map.of(),
                        c -> TestTokens.sign(c.github(), ATTACKER, Map.of("jku", c.attackerJwks()))),
                rejects(
                        "x5u pointing elsewhere",
                        ProblemType.TOKEN_HEADER_REJECTED,
                        "x5u",
                        Map.of(),
                        c -> TestTokens.sign(c.github(), ATTACKER, Map.of("x5u", c.attackerJwks()))),
                rejects(
                        "embedded jwk",
                        ProblemType.TOKEN_HEADER_REJECTED,
                        "jwk",
                        Map.of(),
                        c -> TestTokens.sign(
                                c.github(),
                                ATTACKER,
                                Map.of("jwk", ATTACKER.toPublicJWK().toJSONObject()))),
                rejects(
                        "embedded x5c",
                        ProblemType.TOKEN_HEADER_REJECTED,
                        "x5c",
                        Map.of(),
                        c -> TestTokens.sign(c.github(), RSA, Map.of("x5c", List.of("MIIB")))),
                rejects(
                        "unknown crit",
                        ProblemType.TOKEN_HEADER_REJECTED,
                        "crit",
                        Map.of(),
                        c -> TestTokens.sign(c.github(), RSA, Map.of("crit", List.of("keyless-x"), "keyless-x", 1))),
                rejects(
                        "signature by another key with the same kid",
                        ProblemType.TOKEN_SIGNATURE_INVALID,
                        null,
                        Map.of(),
                        c -> TestTokens.sign(c.github(), RSA_OTHER)),
                rejects("payload changed after signing", ProblemType.TOKEN_SIGNATURE_INVALID, null, Map.of(), c -> {
                    String[] parts = TestTokens.sign(c.github(), RSA).split("\\.", -1);
                    Map<String, Object> changed = c.github();
                    changed.put("repository", "acme-corp/prod");
                    return parts[0] + "." + TestTokens.encode(changed) + "." + parts[2];
                }),
                rejects(
                        "wrong issuer",
                        ProblemType.TOKEN_ISSUER_MISMATCH,
                        "iss",
                        Map.of(),
                        c -> TestTokens.sign(with(c.github(), "iss", "https://evil.example"), RSA)),
                rejects(
                        "wrong audience",
                        ProblemType.TOKEN_AUDIENCE_MISMATCH,
                        "aud",
                        Map.of(),
                        c -> TestTokens.sign(with(c.github(), "aud", "https://other.example"), RSA)),
                rejects(
                        "expired",
                        ProblemType.TOKEN_EXPIRED,
                        "exp",
                        Map.of(),
                        c -> TestTokens.sign(
                                TestTokens.times(
                                        c.github(), c.now().minus(Duration.ofMinutes(20)), Duration.ofMinutes(10)),
                                RSA)),
                rejects(
                        "nbf in the future",
                        ProblemType.TOKEN_NOT_YET_VALID,
                        "nbf",
                        Map.of(),
                        c -> TestTokens.sign(
                                with(c.github(), "nbf", c.now().plusSeconds(300).getEpochSecond()), RSA)),
                rejects(
                        "iat in the future",
                        ProblemType.TOKEN_NOT_YET_VALID,
                        "iat",
                        Map.of(),
                        c -> TestTokens.sign(
                                without(
                                        with(
                                                c.github(),
                                                "iat",
                                                c.now().plusSeconds(300).getEpochSecond()),
                                        "nbf"),
                                RSA)),
                rejects(
                        "iat older than the max age",
                        ProblemType.TOKEN_TOO_OLD,
                        "iat",
                        Map.of(),
                        c -> TestTokens.sign(
                                TestTokens.times(c.github(), c.now().minus(Duration.ofHours(2)), Duration.ofHours(3)),
                                RSA)),
                rejects(
                        "required claim missing",
                        ProblemType.TOKEN_CLAIM_MISMATCH,
                        "environment",
                        Map.of("environment", "production"),
                        c -> TestTokens.sign(c.claims("jenkins"), RSA)),
                rejects(
                        "cyrillic look-alike in repository",
                        ProblemType.TOKEN_CLAIM_MISMATCH,
                        "repository",
                        Map.of("repository", "acme-corp/deploy-svc"),
                        c -> TestTokens.sign(with(c.github(), "repository", "\u0430cme-corp/deploy-svc"), RSA)),
                rejects(
                        "exp as a string",
                        ProblemType.TOKEN_MALFORMED,
                        "exp",
                        Map.of(),
                        c -> TestTokens.sign(with(c.github(), "exp", "1767229200"), RSA)),
                rejects(
                        "exp missing",
                        ProblemType.TOKEN_MALFORMED,
                        "exp",
                        Map.of(),
                        c -> TestTokens.sign(without(c.github(), "exp"), RSA)),
                rejects(
                        "aud as a number",
                        ProblemType.TOKEN_MALFORMED,
                        "aud",
                        Map.of(),
                        c -> TestTokens.sign(with(c.github(), "aud", 42), RSA)),
                rejects(
                        "sub as an object",
                        ProblemType.TOKEN_MALFORMED,
                        "sub",
                        Map.of(),
                        c -> TestTokens.sign(with(c.github(), "sub", Map.of("a", "b")), RSA)),
                rejects(
                        "token larger than 16 KiB",
                        ProblemType.TOKEN_TOO_LARGE,
                        null,
                        Map.of(),
                        c -> TestTokens.sign(with(c.github(), "pad", "x".repeat(13_000)), RSA)),
                rejects("JWE with five parts", ProblemType.TOKEN_MALFORMED, null, Map.of(), c -> "a.b.c.d.e"),
                rejects("garbage", ProblemType.TOKEN_MALFORMED, null, Map.of(), c -> "not a token"),
                rejects("payload that is not JSON", ProblemType.TOKEN_MALFORMED, null, Map.of(), c -> {
                    String[] parts = TestTokens.sign(c.github(), RSA).split("\\.", -1);
                    return parts[0] + "."
                            + java.util.Base64.getUrlEncoder()
                                    .withoutPadding()
                                    .encodeToString("hello".getBytes(java.nio.charset.StandardCharsets.UTF_8))
                            + "." + parts[2];
                }));
    }

    @ParameterizedTest(name = "rejects {0}")
    @MethodSource("rejected")
    void rejectsWithTheCheckThatFailed(
            String name, ProblemType problem, String claim, Map<String, ?> required, Function<Ctx, String> make) {
        Ctx c = ctx();
        String token = make.apply(c);

        assertThatThrownBy(() -> verifier.verify(token, settings(required), source, NOW))
                .isInstanceOfSatisfying(TokenRejectedException.class, e -> {
                    assertThat(e.problemType()).isEqualTo(problem);
                    if (claim != null) {
                        assertThat(e.claim()).isEqualTo(claim);
                    }
                    assertThat(e.getMessage())
                            .doesNotContain(token)
                            .doesNotContain("acme-corp")
                            .doesNotContain("evil.example")
                            .doesNotContain("other.example")
                            .doesNotContain("1767229200")
                            .doesNotContain("\u0430cme");
                });
        // Header URLs are never fetched.
        assertThat(attacker.allRequests()).isZero();
    }

    @Test
    void claimMismatchReportsTheConfiguredPatternAsExpected() {
        String token = TestTokens.sign(with(ctx().github(), "environment", "staging"), RSA);
        assertThatThrownBy(() -> verifier.verify(token, settings(Map.of("environment", "prod*")), source, NOW))
                .isInstanceOfSatisfying(TokenRejectedException.class, e -> {
                    assertThat(e.claim()).isEqualTo("environment");
                    assertThat(e.expected()).isEqualTo("prod*");
                    assertThat(e.getMessage()).doesNotContain("staging");
                });
    }

    @Test
    void issuerMismatchExpectsTheConfiguredIssuer() {
        String token = TestTokens.sign(with(ctx().github(), "iss", "https://evil.example"), RSA);
        assertThatThrownBy(() -> verifier.verify(token, settings(Map.of()), source, NOW))
                .isInstanceOfSatisfying(TokenRejectedException.class, e -> assertThat(e.expected())
                        .isEqualTo(issuer.issuer()));
    }

    static Arguments rejects(
            String name, ProblemType problem, String claim, Map<String, ?> required, Function<Ctx, String> make) {
        return Arguments.of(name, problem, claim, required, make);
    }

    static Map<String, Object> with(Map<String, Object> claims, String name, Object value) {
        claims.put(name, value);
        return claims;
    }

    static Map<String, Object> without(Map<String, Object> claims, String name) {
        claims.remove(name);
        return claims;
    }
}

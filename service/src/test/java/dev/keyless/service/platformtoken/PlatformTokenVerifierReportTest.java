package dev.keyless.service.platformtoken;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.jwk.RSAKey;
import dev.keyless.protocol.ConnectionRequests.CheckResult;
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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The connection test report: every check listed, passed or not, no token values in details. */
class PlatformTokenVerifierReportTest {
    static final RSAKey RSA = TestKeys.rsa("k1");
    static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");

    final PlatformTokenVerifier verifier = new PlatformTokenVerifier();
    JwksServer issuer;
    JwkSetSource source;

    @BeforeEach
    void start() {
        issuer = new JwksServer("/jwks", RSA);
        source = new RemoteJwkSetSource(
                new JwksLocation.Direct(URI.create(issuer.jwksUri())),
                new TestClock(NOW),
                JwksFetchSettings.defaults().withPrivateAddressesAllowed(true));
    }

    @AfterEach
    void stop() {
        issuer.close();
    }

    VerificationSettings settings() {
        return new VerificationSettings(
                issuer.issuer(),
                List.of("https://keyless.example.com"),
                Set.of(SigningAlgorithm.RS256),
                ClaimConditions.parse(Map.of("environment", "production", "ref", "refs/heads/*")),
                Duration.ofHours(1),
                Duration.ofSeconds(60));
    }

    @Test
    void validTokenPassesEveryCheck() {
        String token = TestTokens.sign(
                TestTokens.claims("github-actions", issuer.issuer(), "https://keyless.example.com", NOW), RSA);
        TokenReport report = verifier.report(token, settings(), source, NOW);
        assertThat(report.valid()).isTrue();
        assertThat(report.checks()).allMatch(CheckResult::passed);
        assertThat(report.checks())
                .extracting(CheckResult::check)
                .contains(
                        "size",
                        "structure",
                        "algorithm",
                        "header",
                        "key",
                        "signature",
                        "issuer",
                        "audience",
                        "expiry",
                        "not-before",
                        "issued-at",
                        "max-age",
                        "required-claims");
        assertThat(report.verifiedClaims()).isPresent();
    }

    @Test
    void reportsEveryFailedCheckAtOnceWithoutTokenValues() {
        Map<String, Object> claims = TestTokens.claims("github-actions", issuer.issuer(), "https://wrong.example", NOW);
        TestTokens.times(claims, NOW.minus(Duration.ofHours(3)), Duration.ofHours(1));
        claims.put("environment", "staging-secret-env");
        String token = TestTokens.sign(claims, RSA);

        TokenReport report = verifier.report(token, settings(), source, NOW);

        assertThat(report.valid()).isFalse();
        assertThat(report.verifiedClaims()).isPresent();
        assertThat(failed(report)).containsExactly("audience", "expiry", "max-age", "required-claims");
        assertThat(report.checks()).allSatisfy(c -> assertThat(c.detail())
                .doesNotContain(token)
                .doesNotContain("wrong.example")
                .doesNotContain("staging-secret-env"));
    }

    @Test
    void unparseableTokenSkipsTheRest() {
        TokenReport report = verifier.report("garbage", settings(), source, NOW);
        assertThat(report.valid()).isFalse();
        assertThat(report.checks()).first().extracting(CheckResult::passed).isEqualTo(true);
        assertThat(report.checks().get(1))
                .extracting(CheckResult::check, CheckResult::passed)
                .containsExactly("structure", false);
        assertThat(report.checks()).hasSize(TokenCheck.values().length);
        assertThat(report.verifiedClaims()).isEmpty();
        assertThat(issuer.jwksRequests()).isZero();
    }

    @Test
    void badSignatureHidesClaimsButStillChecksThem() {
        String token = TestTokens.sign(
                TestTokens.claims("github-actions", issuer.issuer(), "https://keyless.example.com", NOW),
                TestKeys.rsa("k1"));
        TokenReport report = verifier.report(token, settings(), source, NOW);
        assertThat(failed(report)).containsExactly("signature");
        assertThat(report.verifiedClaims()).isEmpty();
    }

    @Test
    void unreachableIssuerIsReportedOnTheKeyCheck() {
        issuer.failWith(502);
        String token = TestTokens.sign(
                TestTokens.claims("github-actions", issuer.issuer(), "https://keyless.example.com", NOW), RSA);
        TokenReport report = verifier.report(token, settings(), source, NOW);
        assertThat(failed(report)).containsExactly("key", "signature");
        assertThat(report.checks())
                .filteredOn(c -> c.check().equals("key"))
                .singleElement()
                .extracting(CheckResult::detail)
                .asString()
                .startsWith("jwks-unavailable");
    }

    private static List<String> failed(TokenReport report) {
        return report.checks().stream()
                .filter(c -> !c.passed())
                .map(CheckResult::check)
                .distinct()
                .toList();
    }
}

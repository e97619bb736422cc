package dev.keyless.service.platformtoken;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.RSAKey;
import dev.keyless.protocol.ProblemType;
import dev.keyless.service.claims.ClaimConditions;
import dev.keyless.service.platformtoken.jwks.IssuerEndpoints;
import dev.keyless.service.platformtoken.jwks.JwkSetSource;
import dev.keyless.service.platformtoken.jwks.JwkSetSources;
import dev.keyless.service.platformtoken.jwks.JwksFetchSettings;
import dev.keyless.service.platformtoken.jwks.JwksHealth;
import dev.keyless.service.platformtoken.jwks.JwksLocation;
import dev.keyless.service.platformtoken.jwks.RemoteJwkSetSource;
import dev.keyless.service.platformtoken.jwks.TokenVerificationException;
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

/** Key rotation, unknown-kid re-fetch limits and issuer outages, against a real HTTP JWKS. */
class PlatformTokenVerifierKeysTest {
    static final String AUDIENCE = "https://keyless.example.com";
    static final RSAKey OLD = TestKeys.rsa("2025-key");
    static final RSAKey NEW = TestKeys.rsa("2026-key");

    final PlatformTokenVerifier verifier = new PlatformTokenVerifier();
    final TestClock clock = new TestClock(Instant.parse("2026-03-01T12:00:00Z"));
    JwksServer issuer;

    @BeforeEach
    void start() {
        issuer = new JwksServer("/oauth/discovery/keys", OLD);
    }

    @AfterEach
    void stop() {
        issuer.close();
    }

    RemoteJwkSetSource source(JwksFetchSettings settings) {
        return new RemoteJwkSetSource(new JwksLocation.Direct(URI.create(issuer.jwksUri())), clock, settings);
    }

    VerificationSettings settings() {
        return new VerificationSettings(
                issuer.issuer(),
                List.of(AUDIENCE),
                Set.of(SigningAlgorithm.RS256),
                ClaimConditions.none(),
                Duration.ofHours(1),
                Duration.ofSeconds(30));
    }

    String token(JWK key) {
        return TestTokens.sign(TestTokens.claims("gitlab", issuer.issuer(), AUDIENCE, clock.instant()), key);
    }

    String tokenWithKid(String kid) {
        return TestTokens.sign(
                TestTokens.claims("gitlab", issuer.issuer(), AUDIENCE, clock.instant()), OLD, Map.of("kid", kid));
    }

    VerifiedToken verify(String token, JwkSetSource source) {
        return verifier.verify(token, settings(), source, clock.instant());
    }

    @Test
    void keyRemovedAfterRotationIsRefusedWhileTheNewKeyWorks() {
        RemoteJwkSetSource source = source(JwksFetchSettings.defaults().withPrivateAddressesAllowed(true));
        assertThat(verify(token(OLD), source)).isNotNull();

        issuer.serveKeys(NEW);
        assertThat(verify(token(NEW), source)).isNotNull();
        assertThatThrownBy(() -> verify(token(OLD), source))
                .isInstanceOfSatisfying(TokenRejectedException.class, e -> assertThat(e.problemType())
                        .isEqualTo(ProblemType.TOKEN_KEY_UNKNOWN));
    }

    @Test
    void unknownKidsRefetchAtMostOncePerThirtySeconds() {
        RemoteJwkSetSource source = source(JwksFetchSettings.defaults().withPrivateAddressesAllowed(true));
        verify(token(OLD), source);
        assertThat(issuer.jwksRequests()).isEqualTo(1);

        assertThatThrownBy(() -> verify(tokenWithKid("invented-1"), source)).isInstanceOf(TokenRejectedException.class);
        clock.advance(Duration.ofSeconds(10));
        assertThatThrownBy(() -> verify(tokenWithKid("invented-2"), source)).isInstanceOf(TokenRejectedException.class);
        assertThat(issuer.jwksRequests()).isEqualTo(2);

        clock.advance(Duration.ofSeconds(21));
        assertThatThrownBy(() -> verify(tokenWithKid("invented-3"), source)).isInstanceOf(TokenRejectedException.class);
        assertThat(issuer.jwksRequests()).isEqualTo(3);
    }

    @Test
    void issuerOutageServesLastGoodKeysAndReportsStaleHealth() {
        RemoteJwkSetSource source = source(JwksFetchSettings.defaults().withPrivateAddressesAllowed(true));
        verify(token(OLD), source);
        issuer.failWith(500);

        clock.advance(Duration.ofHours(2));
        assertThat(verify(token(OLD), source)).isNotNull();
        JwksHealth health = source.health();
        assertThat(health.stale()).isTrue();
        assertThat(health.available()).isTrue();
        assertThat(health.lastError()).isEqualTo("the JWKS fetch failed: HTTP error status");
        assertThat(health.lastSuccess()).isEqualTo(Instant.parse("2026-03-01T12:00:00Z"));

        clock.advance(Duration.ofHours(23));
        assertThatThrownBy(() -> verify(token(OLD), source))
                .isInstanceOfSatisfying(TokenVerificationException.class, e -> assertThat(e.problemType())
                        .isEqualTo(ProblemType.JWKS_UNAVAILABLE));
        assertThat(source.health().available()).isFalse();
    }

    @Test
    void recoveryAfterOutageClearsStaleHealth() {
        RemoteJwkSetSource source = source(JwksFetchSettings.defaults().withPrivateAddressesAllowed(true));
        verify(token(OLD), source);
        issuer.failWith(503);
        clock.advance(Duration.ofMinutes(20));
        verify(token(OLD), source);
        assertThat(source.health().stale()).isTrue();

        issuer.serveKeys(OLD);
        clock.advance(Duration.ofMinutes(1));
        verify(token(OLD), source);
        assertThat(source.health().stale()).isFalse();
    }

    @Test
    void stalledIssuerTimesOutAndStaleKeysKeepServing() {
        JwksFetchSettings settings =
                JwksFetchSettings.defaults().withPrivateAddressesAllowed(true).withTimeout(Duration.ofMillis(300));
        RemoteJwkSetSource source = source(settings);
        verify(token(OLD), source);
        issuer.stall(Duration.ofSeconds(3), OLD);

        clock.advance(Duration.ofMinutes(20));
        long start = System.nanoTime();
        assertThat(verify(token(OLD), source)).isNotNull();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
        assertThat(source.health().stale()).isTrue();
    }

    @Test
    void noKeysEverIsJwksUnavailableNotARejection() {
        issuer.failWith(500);
        RemoteJwkSetSource source = source(JwksFetchSettings.defaults().withPrivateAddressesAllowed(true));
        String token = token(OLD);
        assertThatThrownBy(() -> verify(token, source)).isInstanceOfSatisfying(TokenVerificationException.class, e -> {
            assertThat(e.problemType()).isEqualTo(ProblemType.JWKS_UNAVAILABLE);
            assertThat(e.getMessage()).doesNotContain(token);
        });
    }

    @Test
    void oversizedKeySetIsRefused() {
        issuer.serveJwksBody("{\"keys\":[],\"pad\":\"" + "x".repeat(600 * 1024) + "\"}");
        RemoteJwkSetSource source = source(JwksFetchSettings.defaults().withPrivateAddressesAllowed(true));
        assertThatThrownBy(() -> verify(token(OLD), source)).isInstanceOf(TokenVerificationException.class);
        assertThat(source.health().lastError()).isEqualTo("the JWKS fetch failed: response too large");
    }

    @Test
    void symmetricKeysInTheSetAreIgnored() {
        issuer.serveJwksBody(
                "{\"keys\":[{\"kty\":\"oct\",\"kid\":\"2025-key\",\"k\":\"c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0\"}]}");
        RemoteJwkSetSource source = source(JwksFetchSettings.defaults().withPrivateAddressesAllowed(true));
        assertThatThrownBy(() -> verify(token(OLD), source)).isInstanceOf(TokenVerificationException.class);
    }

    @Test
    void discoveryFindsTheKeysUnderTheIssuer() {
        IssuerEndpoints endpoints = ProviderPreset.GENERIC.resolve(issuer.issuer(), null);
        assertThat(endpoints.jwks()).isInstanceOf(JwksLocation.Discovery.class);
        JwkSetSource source = new JwkSetSources(
                        clock, JwksFetchSettings.defaults().withPrivateAddressesAllowed(true))
                .remote("conn-1", endpoints.jwks());
        assertThat(verify(token(OLD), source)).isNotNull();
        assertThat(issuer.requests(JwksServer.DISCOVERY_PATH)).isEqualTo(1);
    }

    @Test
    void discoveryNamingAnotherIssuerIsRefused() {
        issuer.serveDiscovery("https://evil.example");
        IssuerEndpoints endpoints = ProviderPreset.GENERIC.resolve(issuer.issuer(), null);
        JwkSetSource source = new RemoteJwkSetSource(
                endpoints.jwks(), clock, JwksFetchSettings.defaults().withPrivateAddressesAllowed(true));
        assertThatThrownBy(() -> verify(token(OLD), source)).isInstanceOf(TokenVerificationException.class);
        assertThat(issuer.jwksRequests()).isZero();
    }
}

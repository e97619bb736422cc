package dev.keyless.service.platformtoken.jwks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.util.JSONObjectUtils;
import dev.keyless.testkit.JwksServer;
import dev.keyless.testkit.TestClock;
import dev.keyless.testkit.TestKeys;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JwkSetSourceTest {
    static final RSAKey RSA = TestKeys.rsa("k1");
    final TestClock clock = new TestClock(Instant.parse("2026-03-01T12:00:00Z"));

    @Test
    void pinnedSetServesOnlyPublicKeys() throws Exception {
        Map<String, Object> pasted = JSONObjectUtils.parse(TestKeys.jwksJson(RSA, TestKeys.ec("k2")));
        PinnedJwkSetSource pinned = PinnedJwkSetSource.of(pasted, 100, clock.instant());
        assertThat(pinned.keys().getKeys()).hasSize(2).noneMatch(JWK::isPrivate);
        assertThat(pinned.health().available()).isTrue();
        assertThat(pinned.keysAfterUnknownKid()).isSameAs(pinned.keys());
    }

    @Test
    void pinnedSetRejectsTooManyKeysAndSymmetricOnlySets() throws Exception {
        List<JWK> many = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            many.add(TestKeys.ec("k" + i));
        }
        Map<String, Object> three = JSONObjectUtils.parse(TestKeys.jwksJson(many.toArray(JWK[]::new)));
        assertThatThrownBy(() -> PinnedJwkSetSource.of(three, 2, clock.instant()))
                .isInstanceOfSatisfying(InvalidProviderSettingsException.class, e -> assertThat(e.field())
                        .isEqualTo("jwks"));
        Map<String, Object> oct = JSONObjectUtils.parse("{\"keys\":[{\"kty\":\"oct\",\"k\":\"c2VjcmV0\"}]}");
        assertThatThrownBy(() -> PinnedJwkSetSource.of(oct, 100, clock.instant()))
                .isInstanceOf(InvalidProviderSettingsException.class);
    }

    @Test
    void registrySharesOneSourcePerConnectionAndLocation() {
        try (JwksServer server = new JwksServer("/jwks", RSA)) {
            JwkSetSources sources =
                    new JwkSetSources(clock, JwksFetchSettings.defaults().withPrivateAddressesAllowed(true));
            JwksLocation location = new JwksLocation.Direct(URI.create(server.jwksUri()));
            JwkSetSource a = sources.remote("conn-1", location);
            assertThat(sources.remote("conn-1", location)).isSameAs(a);
            assertThat(sources.remote("conn-2", location)).isNotSameAs(a);

            a.keys();
            sources.remote("conn-1", location).keys();
            assertThat(server.jwksRequests()).isEqualTo(1);
            assertThat(sources.health("conn-1")).hasSize(1);

            sources.evict("conn-1");
            assertThat(sources.remote("conn-1", location)).isNotSameAs(a);
        }
    }

    @Test
    void keySetWithTooManyKeysIsNotUsed() {
        List<JWK> keys = new ArrayList<>();
        for (int i = 0; i < 101; i++) {
            keys.add(TestKeys.ec("k" + i));
        }
        try (JwksServer server = new JwksServer("/jwks", keys.toArray(JWK[]::new))) {
            RemoteJwkSetSource source = new RemoteJwkSetSource(
                    new JwksLocation.Direct(URI.create(server.jwksUri())),
                    clock,
                    JwksFetchSettings.defaults().withPrivateAddressesAllowed(true));
            assertThatThrownBy(source::keys).isInstanceOf(TokenVerificationException.class);
            assertThat(source.health().lastError()).isEqualTo("the JWKS fetch failed: not a usable JWK set");
        }
    }
}

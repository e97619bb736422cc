package dev.keyless.service.platformtoken.jwks;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.WireMockServer;
import dev.keyless.testkit.TestKeys;
import java.net.InetAddress;
import java.net.URI;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The fetch-time half of the address rule against a real HTTP server on 127.0.0.1: a host name is
 * judged by what it resolves to, a discovered {@code jwks_uri} obeys the rule, redirects are never
 * followed, and a failure says only its category.
 */
class JwksFetcherAddressTest {
    WireMockServer server;
    JwksFetchSettings strict = JwksFetchSettings.defaults();
    JwksFetchSettings open = JwksFetchSettings.defaults().withPrivateAddressesAllowed(true);

    @BeforeEach
    void start() {
        server = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
        server.start();
        server.stubFor(get(urlPathEqualTo("/jwks"))
                .willReturn(aResponse().withStatus(200).withBody("{\"keys\":[]}")));
    }

    @AfterEach
    void stop() {
        server.stop();
    }

    private JwksFetcher.FetchException failure(JwksFetcher fetcher, JwksLocation location) {
        try {
            fetcher.fetch(location);
        } catch (JwksFetcher.FetchException e) {
            return e;
        }
        throw new AssertionError("the fetch succeeded");
    }

    @Test
    void aHostNameResolvingToLoopbackIsRefusedBeforeAnyConnection() throws Exception {
        String name = InetAddress.getLocalHost().getHostName();
        org.junit.jupiter.api.Assumptions.assumeFalse(
                AddressRules.isPublic(InetAddress.getByName(name)), "this host's name resolves to a public address");
        JwksFetcher fetcher = new JwksFetcher(JwksFetcher.defaultClient(strict), strict);

        JwksFetcher.FetchException e =
                failure(fetcher, new JwksLocation.Direct(URI.create("http://" + name + ":" + server.port() + "/jwks")));

        assertThat(e.category()).isEqualTo(JwksFetcher.FetchException.Category.ADDRESS_NOT_ALLOWED);
        assertThat(e.getMessage()).isEqualTo("the JWKS fetch failed: address not allowed");
        assertThat(server.getAllServeEvents()).isEmpty();
    }

    @Test
    void aLiteralLoopbackUrlIsRefusedAtFetchTimeToo() {
        JwksFetcher fetcher = new JwksFetcher(JwksFetcher.defaultClient(strict), strict);
        JwksFetcher.FetchException e =
                failure(fetcher, new JwksLocation.Direct(URI.create("http://127.0.0.1:" + server.port() + "/jwks")));
        assertThat(e.category()).isEqualTo(JwksFetcher.FetchException.Category.ADDRESS_NOT_ALLOWED);
        assertThat(server.getAllServeEvents()).isEmpty();
    }

    @Test
    void theOptInReachesLoopback() throws Exception {
        server.stubFor(get(urlPathEqualTo("/jwks"))
                .willReturn(aResponse()
                        .withStatus(200)
                        .withBody(TestKeys.jwksJson(TestKeys.rsa("k1").toPublicJWK()))));
        JwksFetcher fetcher = new JwksFetcher(JwksFetcher.defaultClient(open), open);
        assertThat(fetcher.fetch(new JwksLocation.Direct(URI.create("http://127.0.0.1:" + server.port() + "/jwks")))
                        .getKeys())
                .hasSize(1);
    }

    @Test
    void aDiscoveredJwksUriPointingInsideIsRefused() {
        String issuer = "https://issuer.example.com";
        server.stubFor(get(urlPathEqualTo("/.well-known/openid-configuration"))
                .willReturn(aResponse()
                        .withStatus(200)
                        .withBody("{\"issuer\":\"" + issuer + "\",\"jwks_uri\":\"https://169.254.169.254/latest\"}")));
        // The discovery document itself is on loopback, so this client may reach it; the rule for
        // the document's jwks_uri is the strict one.
        JwksFetcher fetcher = new JwksFetcher(JwksFetcher.defaultClient(open), strict);

        JwksFetcher.FetchException e = failure(
                fetcher,
                new JwksLocation.Discovery(
                        URI.create("http://127.0.0.1:" + server.port() + "/.well-known/openid-configuration"), issuer));

        assertThat(e.category()).isEqualTo(JwksFetcher.FetchException.Category.ADDRESS_NOT_ALLOWED);
    }

    @Test
    void redirectsAreNotFollowedAndSayOnlyHttpErrorStatus() {
        server.stubFor(get(urlPathEqualTo("/moved"))
                .willReturn(aResponse().withStatus(302).withHeader("Location", "/jwks")));
        JwksFetcher fetcher = new JwksFetcher(JwksFetcher.defaultClient(open), open);

        JwksFetcher.FetchException e =
                failure(fetcher, new JwksLocation.Direct(URI.create("http://127.0.0.1:" + server.port() + "/moved")));

        assertThat(e.getMessage()).isEqualTo("the JWKS fetch failed: HTTP error status");
        assertThat(server.findAll(getRequestedFor(urlPathEqualTo("/jwks")))).isEmpty();
    }

    @Test
    void aClosedPortSaysConnectionFailedWithoutThePort() throws Exception {
        int closed;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = s.getLocalPort();
        }
        JwksFetcher fetcher = new JwksFetcher(JwksFetcher.defaultClient(open), open);
        JwksFetcher.FetchException e =
                failure(fetcher, new JwksLocation.Direct(URI.create("http://127.0.0.1:" + closed + "/jwks")));
        assertThat(e.getMessage()).isEqualTo("the JWKS fetch failed: connection failed");
    }

    @Test
    void aHugeBodyIsCutOffAsTooLarge() {
        server.stubFor(get(urlPathEqualTo("/big"))
                .willReturn(aResponse().withStatus(200).withBody("x".repeat(600 * 1024))));
        JwksFetcher fetcher = new JwksFetcher(JwksFetcher.defaultClient(open), open);
        assertThatThrownBy(() -> fetcher.fetch(
                        new JwksLocation.Direct(URI.create("http://127.0.0.1:" + server.port() + "/big"))))
                .hasMessage("the JWKS fetch failed: response too large");
    }
}

package dev.keyless.testkit;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.nimbusds.jose.jwk.JWK;
import java.time.Duration;
import java.util.Map;

/**
 * A real HTTP issuer on 127.0.0.1 (WireMock, dynamic port): serves a JWKS at a path and an OIDC
 * discovery document, and can rotate keys, fail with a status, or stall for outage tests. Every
 * request is counted. Close it after the test.
 */
public final class JwksServer implements AutoCloseable {
    public static final String DISCOVERY_PATH = "/.well-known/openid-configuration";

    private final WireMockServer server;
    private final String jwksPath;

    /** Starts a server that serves these keys at {@code jwksPath} (e.g. {@code /.well-known/jwks}). */
    public JwksServer(String jwksPath, JWK... keys) {
        this.jwksPath = jwksPath;
        this.server = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
        server.start();
        serveKeys(keys);
        serveDiscovery(issuer());
    }

    /** {@code http://127.0.0.1:<port>}: use it as the issuer. */
    public String issuer() {
        return "http://127.0.0.1:" + server.port();
    }

    public String jwksUri() {
        return issuer() + jwksPath;
    }

    public String discoveryUri() {
        return issuer() + DISCOVERY_PATH;
    }

    /** Replaces the served key set (a rotation when the keys differ). */
    public void serveKeys(JWK... keys) {
        serveJson(jwksPath, TestKeys.jwksJson(keys));
    }

    /** Serves any body at the JWKS path, e.g. garbage or an oversized document. */
    public void serveJwksBody(String body) {
        serveJson(jwksPath, body);
    }

    /** Serves a discovery document naming this issuer value and this server's JWKS URI. */
    public void serveDiscovery(String issuerValue) {
        try {
            serveJson(
                    DISCOVERY_PATH,
                    new ObjectMapper().writeValueAsString(Map.of("issuer", issuerValue, "jwks_uri", jwksUri())));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Answers the JWKS path with this status and no keys. */
    public void failWith(int status) {
        server.stubFor(get(urlPathEqualTo(jwksPath)).willReturn(aResponse().withStatus(status)));
    }

    /** Answers the JWKS path only after this delay (longer than the client's timeout = an outage). */
    public void stall(Duration delay, JWK... keys) {
        server.stubFor(get(urlPathEqualTo(jwksPath))
                .willReturn(aResponse()
                        .withStatus(200)
                        .withHeader("Content-Type", "application/json")
                        .withBody(TestKeys.jwksJson(keys))
                        .withFixedDelay((int) delay.toMillis())));
    }

    /** Requests received at the JWKS path. */
    public int jwksRequests() {
        return requests(jwksPath);
    }

    /** Requests received at a path. */
    public int requests(String path) {
        return server.findAll(getRequestedFor(urlPathEqualTo(path))).size();
    }

    /** Requests received at any path, with any method. */
    public int allRequests() {
        return server.getAllServeEvents().size();
    }

    public void resetRequests() {
        server.resetRequests();
    }

    private void serveJson(String path, String body) {
        server.stubFor(get(urlPathEqualTo(path))
                .willReturn(aResponse()
                        .withStatus(200)
                        .withHeader("Content-Type", "application/json")
                        .withBody(body)));
    }

    @Override
    public void close() {
        server.stop();
    }
}

package dev.keyless.cli;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import java.util.Base64;

/**
 * The Keyless service's workload endpoints played by WireMock on 127.0.0.1, with fixed answers.
 * The certificate is a well-formed line no sshd would accept: CLI tests check flow, exit codes and
 * output; real logins are tested in the client's {@code SshAgentIT} and in e2e.
 */
final class FakeService implements AutoCloseable {
    static final String PLATFORM_TOKEN =
            "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJyZXBvOmFjbWUvYXBwIiwiYXVkIjoiayJ9.cGxhdGZvcm0";
    static final String ACCESS_TOKEN = "eyJhbGciOiJFZERTQSJ9.eyJzdWIiOiJ3bF9kZXBsb3llciJ9.YWNjZXNzLXRva2Vu";
    static final String ADMIN_TOKEN = "admin-token-0123456789abcdef";
    static final String CERT = "ssh-ed25519-cert-v01@openssh.com "
            + Base64.getEncoder()
                    .encodeToString("not-a-real-certificate".getBytes(java.nio.charset.StandardCharsets.UTF_8))
            + " keyless";

    final WireMockServer wm =
            new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());

    FakeService() {
        wm.start();
        wm.stubFor(post(urlPathEqualTo("/v1/teams/default/workload/authenticate"))
                .willReturn(json("{\"access_token\":\"" + ACCESS_TOKEN + "\",\"token_type\":\"Bearer\","
                        + "\"expires_in\":300,\"role\":\"deployer\",\"principal\":\"wl_deployer\"}")));
        wm.stubFor(post(urlPathEqualTo("/v1/teams/default/ssh/certificates")).willReturn(certificate()));
        wm.stubFor(get(urlPathEqualTo("/v1/teams/default/sessions/s-1"))
                .willReturn(json("{\"session_id\":\"s-1\",\"state\":\"READY\",\"server\":\"web-01\"}")));
        wm.stubFor(post(urlPathMatching("/v1/teams/default/sessions/.*/close"))
                .willReturn(json("{\"session_id\":\"s-1\",\"state\":\"CLOSED\"}")));
        wm.stubFor(get(urlPathEqualTo("/health")).willReturn(json("{\"status\":\"UP\"}")));
    }

    /** The certificate response for web-01, session {@code s-1}. */
    static ResponseDefinitionBuilder certificate() {
        return json("{\"session_id\":\"s-1\",\"certificate\":\"" + CERT + "\",\"principal\":\"wl_deployer\","
                + "\"valid_after\":\"2026-01-01T00:00:00Z\",\"valid_before\":\"2036-01-01T00:00:00Z\","
                + "\"server\":{\"name\":\"web-01\",\"address\":\"127.0.0.1\",\"port\":2222},"
                + "\"host_ca_public_keys\":[\"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHostCa host-ca\"],"
                + "\"state\":\"PENDING\"}");
    }

    static ResponseDefinitionBuilder json(String body) {
        return aResponse().withHeader("Content-Type", "application/json").withBody(body);
    }

    static ResponseDefinitionBuilder problem(int status, String body) {
        return aResponse()
                .withStatus(status)
                .withHeader("Content-Type", "application/problem+json")
                .withBody(body);
    }

    String url() {
        return wm.baseUrl();
    }

    @Override
    public void close() {
        wm.stop();
    }
}

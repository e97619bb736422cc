package dev.keyless.client.http;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.WireMockServer;
import dev.keyless.client.KeylessClient;
import dev.keyless.client.KeylessTransportException;
import dev.keyless.testkit.Commands;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Proxies and the custom CA bundle over real sockets. */
class TransportIT {
    private static final RetryPolicy ONCE = new RetryPolicy(1, Duration.ZERO, Duration.ZERO, Duration.ofSeconds(5));

    @TempDir
    Path tmp;

    @Test
    void goesThroughTheProxyUnlessNoProxyExemptsTheHost() {
        // WireMock as a forward proxy: it answers stubs for any host, so reaching the unresolvable
        // host below proves the request went through the proxy.
        WireMockServer proxy = new WireMockServer(
                options().bindAddress("127.0.0.1").dynamicPort().enableBrowserProxying(true));
        proxy.start();
        try {
            proxy.stubFor(get(urlPathEqualTo("/v1/teams/default/sessions/s-1"))
                    .willReturn(aResponse()
                            .withHeader("Content-Type", "application/json")
                            .withBody("{\"session_id\":\"s-1\",\"state\":\"READY\"}")));
            URI service = URI.create("http://keyless.invalid");
            Map<String, String> env = Map.of("http_proxy", "http://127.0.0.1:" + proxy.port());
            KeylessClient viaProxy = KeylessClient.builder(service, "default")
                    .env(env)
                    .retryPolicy(ONCE)
                    .build();
            assertThat(viaProxy.session("at", "s-1").sessionId()).isEqualTo("s-1");

            Map<String, String> exempt =
                    Map.of("http_proxy", "http://127.0.0.1:" + proxy.port(), "NO_PROXY", ".invalid");
            KeylessClient direct = KeylessClient.builder(service, "default")
                    .env(exempt)
                    .retryPolicy(ONCE)
                    .build();
            assertThatThrownBy(() -> direct.session("at", "s-1")).isInstanceOf(KeylessTransportException.class);
        } finally {
            proxy.stop();
        }
    }

    @Test
    void trustsTheServiceThroughTheCaBundleOnly() {
        Path keystore = tmp.resolve("service.p12");
        Path pem = tmp.resolve("ca.pem");
        Commands.runChecked(List.of(
                "keytool",
                "-genkeypair",
                "-alias",
                "service",
                "-keyalg",
                "EC",
                "-groupname",
                "secp256r1",
                "-dname",
                "CN=localhost",
                "-ext",
                "SAN=dns:localhost,ip:127.0.0.1",
                "-validity",
                "2",
                "-storetype",
                "PKCS12",
                "-keystore",
                keystore.toString(),
                "-storepass",
                "changeit",
                "-keypass",
                "changeit"));
        Commands.runChecked(List.of(
                "keytool",
                "-exportcert",
                "-rfc",
                "-alias",
                "service",
                "-keystore",
                keystore.toString(),
                "-storepass",
                "changeit",
                "-file",
                pem.toString()));
        WireMockServer tls = new WireMockServer(options()
                .bindAddress("127.0.0.1")
                .httpDisabled(true)
                .dynamicHttpsPort()
                .keystorePath(keystore.toString())
                .keystorePassword("changeit")
                .keyManagerPassword("changeit")
                .keystoreType("PKCS12"));
        tls.start();
        try {
            tls.stubFor(get(urlPathEqualTo("/health"))
                    .willReturn(aResponse().withHeader("Date", "Mon, 23 Nov 2026 21:00:00 GMT")));
            URI url = URI.create("https://127.0.0.1:" + tls.httpsPort());
            KeylessClient trusted = KeylessClient.builder(url, "default")
                    .caBundle(pem)
                    .retryPolicy(ONCE)
                    .build();
            assertThat(trusted.serviceTime()).isPresent();
            KeylessClient untrusted =
                    KeylessClient.builder(url, "default").retryPolicy(ONCE).build();
            assertThatThrownBy(untrusted::serviceTime).isInstanceOf(KeylessTransportException.class);
        } finally {
            tls.stop();
        }
    }
}

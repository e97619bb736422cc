package dev.keyless.client;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import dev.keyless.client.http.RetryPolicy;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The retry policy against real HTTP: what is retried, how long it waits, when it stops. */
class RetryIT {
    private static final String PATH = "/v1/teams/default/workload/authenticate";
    private static final String OK =
            "{\"access_token\":\"at\",\"token_type\":\"Bearer\",\"expires_in\":300,\"role\":\"deployer\","
                    + "\"principal\":\"wl_deployer\"}";
    private static final RetryPolicy FAST =
            new RetryPolicy(4, Duration.ofMillis(50), Duration.ofMillis(200), Duration.ofSeconds(5));

    private WireMockServer wm;

    @BeforeEach
    void start() {
        wm = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
        wm.start();
    }

    @AfterEach
    void stop() {
        wm.stop();
    }

    private KeylessClient client(RetryPolicy policy) {
        return KeylessClient.builder(URI.create(wm.baseUrl()), "default")
                .retryPolicy(policy)
                .build();
    }

    private void sequence(ResponseDefinitionBuilder first, ResponseDefinitionBuilder then) {
        wm.stubFor(post(urlPathEqualTo(PATH))
                .inScenario("s")
                .whenScenarioStateIs(STARTED)
                .willReturn(first)
                .willSetStateTo("second"));
        wm.stubFor(post(urlPathEqualTo(PATH))
                .inScenario("s")
                .whenScenarioStateIs("second")
                .willReturn(then));
    }

    private static ResponseDefinitionBuilder ok() {
        return aResponse()
                .withStatus(200)
                .withHeader("Content-Type", "application/json")
                .withBody(OK);
    }

    @Test
    void honoursRetryAfterOn429() {
        sequence(aResponse().withStatus(429).withHeader("Retry-After", "1"), ok());
        long t0 = System.nanoTime();
        assertThat(client(FAST).authenticate("github", "a.b.c", null).role()).isEqualTo("deployer");
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isGreaterThanOrEqualTo(Duration.ofMillis(950));
        wm.verify(2, postRequestedFor(urlPathEqualTo(PATH)));
    }

    @Test
    void retries503ThenSucceeds() {
        sequence(aResponse().withStatus(503), ok());
        assertThat(client(FAST).authenticate("github", "a.b.c", null).principal())
                .isEqualTo("wl_deployer");
        wm.verify(2, postRequestedFor(urlPathEqualTo(PATH)));
    }

    @Test
    void neverRetries4xx() {
        wm.stubFor(post(urlPathEqualTo(PATH))
                .willReturn(aResponse()
                        .withStatus(400)
                        .withHeader("Content-Type", "application/problem+json")
                        .withBody("{\"type\":\"urn:keyless:problem:malformed-request\",\"status\":400}")));
        assertThatThrownBy(() -> client(FAST).authenticate("github", "a.b.c", null))
                .isInstanceOf(KeylessProblemException.class);
        wm.verify(1, postRequestedFor(urlPathEqualTo(PATH)));
    }

    @Test
    void stopsAtMaxAttempts() {
        wm.stubFor(post(urlPathEqualTo(PATH)).willReturn(aResponse().withStatus(502)));
        assertThatThrownBy(() -> client(FAST).authenticate("github", "a.b.c", null))
                .isInstanceOfSatisfying(KeylessProblemException.class, e -> assertThat(e.status())
                        .isEqualTo(502));
        wm.verify(4, postRequestedFor(urlPathEqualTo(PATH)));
    }

    @Test
    void boundsTotalTimeEvenWithLongRetryAfter() {
        wm.stubFor(post(urlPathEqualTo(PATH))
                .willReturn(aResponse().withStatus(503).withHeader("Retry-After", "30")));
        RetryPolicy policy = new RetryPolicy(10, Duration.ofMillis(50), Duration.ofMillis(200), Duration.ofSeconds(2));
        long t0 = System.nanoTime();
        assertThatThrownBy(() -> client(policy).authenticate("github", "a.b.c", null))
                .isInstanceOf(KeylessProblemException.class);
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(2));
        wm.verify(1, postRequestedFor(urlPathEqualTo(PATH)));
    }

    @Test
    void retriesNetworkErrorsThenReportsTransportFault() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        KeylessClient client = KeylessClient.builder(URI.create("http://127.0.0.1:" + port), "default")
                .retryPolicy(FAST)
                .build();
        assertThatThrownBy(() -> client.authenticate("github", "secret.jwt.value", null))
                .isInstanceOf(KeylessTransportException.class)
                .hasMessageContaining("could not be reached")
                .hasMessageNotContaining("secret.jwt.value");
    }

    @Test
    void fetchesAFreshPlatformTokenForEveryAttempt() {
        sequence(aResponse().withStatus(503), ok());
        AtomicInteger fetches = new AtomicInteger();
        client(FAST).authenticate("github", () -> "tok.en." + fetches.incrementAndGet(), null);
        assertThat(fetches.get()).isEqualTo(2);
        wm.verify(1, postRequestedFor(urlPathEqualTo(PATH)).withRequestBody(containing("tok.en.1")));
        wm.verify(1, postRequestedFor(urlPathEqualTo(PATH)).withRequestBody(containing("tok.en.2")));
    }
}

package dev.keyless.client.job;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.WireMockServer;
import dev.keyless.client.KeylessClient;
import dev.keyless.client.KeylessProblemException;
import dev.keyless.client.Masker;
import dev.keyless.client.SessionNotReadyException;
import dev.keyless.client.http.RetryPolicy;
import dev.keyless.client.token.PlatformTokenSource;
import dev.keyless.protocol.SessionState;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The job flow against a WireMock service: what is called in which order, and that cleanup always
 * closes the sessions and removes the private directory. (The certificate here is a well-formed
 * blob that no sshd would accept; real logins are covered by {@code SshAgentIT}.)
 */
class KeylessJobIT {
    static final String PLATFORM_TOKEN = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJqb2IifQ.cGxhdGZvcm0tc2ln";
    static final String ACCESS_TOKEN = "eyJhbGciOiJFZERTQSJ9.eyJzdWIiOiJ3bCJ9.YWNjZXNzLXNpZw";
    static final String CERT = "ssh-ed25519-cert-v01@openssh.com "
            + Base64.getEncoder().encodeToString("not-a-real-certificate".getBytes(StandardCharsets.UTF_8))
            + " keyless";

    private WireMockServer wm;
    private final List<String> steps = Collections.synchronizedList(new ArrayList<>());
    private final Masker masker = new Masker();

    @TempDir
    Path tmp;

    @BeforeEach
    void start() {
        wm = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
        wm.start();
        wm.stubFor(post(urlPathEqualTo("/v1/teams/default/workload/authenticate"))
                .withRequestBody(matchingJsonPath(
                        "$.token", com.github.tomakehurst.wiremock.client.WireMock.equalTo(PLATFORM_TOKEN)))
                .willReturn(json("{\"access_token\":\"" + ACCESS_TOKEN + "\",\"token_type\":\"Bearer\","
                        + "\"expires_in\":300,\"role\":\"deployer\",\"principal\":\"wl_deployer\"}")));
        for (String server : List.of("web-01", "web-02")) {
            String id = "s-" + server;
            wm.stubFor(post(urlPathEqualTo("/v1/teams/default/ssh/certificates"))
                    .withRequestBody(matchingJsonPath(
                            "$.server", com.github.tomakehurst.wiremock.client.WireMock.equalTo(server)))
                    .willReturn(json(certificate(id, server))));
            wm.stubFor(get(urlPathEqualTo("/v1/teams/default/sessions/" + id)).willReturn(json(session(id, "READY"))));
        }
        wm.stubFor(post(urlPathMatching("/v1/teams/default/sessions/.*/close"))
                .willReturn(json("{\"state\":\"CLOSED\"}")));
    }

    @AfterEach
    void stop() {
        wm.stop();
    }

    static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder json(String body) {
        return aResponse().withHeader("Content-Type", "application/json").withBody(body);
    }

    static String certificate(String id, String server) {
        return "{\"session_id\":\"" + id + "\",\"certificate\":\"" + CERT + "\",\"principal\":\"wl_deployer\","
                + "\"valid_after\":\"2026-01-01T00:00:00Z\",\"valid_before\":\"2036-01-01T00:00:00Z\","
                + "\"server\":{\"name\":\"" + server + "\",\"address\":\"127.0.0.1\",\"port\":2222},"
                + "\"host_ca_public_keys\":[\"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHostCaKeyForTests host-ca\"],"
                + "\"state\":\"PENDING\"}";
    }

    static String session(String id, String state) {
        return "{\"session_id\":\"" + id + "\",\"state\":\"" + state + "\",\"server\":\"web-01\"}";
    }

    private KeylessClient client() {
        return KeylessClient.builder(URI.create(wm.baseUrl()), "default")
                .retryPolicy(new RetryPolicy(3, Duration.ofMillis(20), Duration.ofMillis(50), Duration.ofSeconds(2)))
                .build();
    }

    private JobContext context() {
        return new JobContext(Map.of("PATH", System.getenv("PATH")), masker, new JobListener() {
            @Override
            public void step(String message, Duration took) {
                steps.add(message);
            }

            @Override
            public void warn(String message) {
                steps.add("WARN " + message);
            }
        });
    }

    private static PlatformTokenSource source() {
        return new PlatformTokenSource() {
            @Override
            public String name() {
                return "test";
            }

            @Override
            public String fetch(String audience) {
                return PLATFORM_TOKEN;
            }
        };
    }

    private JobSpec spec(String... servers) {
        return new JobSpec("github", "aud", "deployer", List.of(servers), Duration.ofSeconds(3), tmp);
    }

    @Test
    void runsTheCommandWithTheJobEnvironmentAndCleansUp() throws Exception {
        Path dir;
        int exit;
        try (KeylessJob job = KeylessJob.open(client(), source(), spec("web-01", "web-02"), context())) {
            dir = job.directory();
            assertThat(job.servers()).extracting(ServerAccess::sessionId).containsExactly("s-web-01", "s-web-02");
            assertThat(job.principal()).isEqualTo("wl_deployer");
            exit = job.run(
                    List.of(
                            "sh",
                            "-c",
                            "test -S \"$SSH_AUTH_SOCK\" && grep -q '^Host web-02' \"$KEYLESS_SSH_CONFIG\""
                                    + " && grep -q '@cert-authority \\*' \"$(dirname \"$KEYLESS_SSH_CONFIG\")/known_hosts\""
                                    + " && [ \"$(command -v ssh)\" = \"$(dirname \"$KEYLESS_SSH_CONFIG\")/bin/ssh\" ] && exit 7"),
                    Map.of("PATH", System.getenv("PATH")),
                    null);
        }
        assertThat(exit).isEqualTo(7);
        assertThat(dir).doesNotExist();
        wm.verify(postRequestedFor(urlPathEqualTo("/v1/teams/default/sessions/s-web-01/close")));
        wm.verify(postRequestedFor(urlPathEqualTo("/v1/teams/default/sessions/s-web-02/close")));
        assertThat(String.join("\n", steps)).doesNotContain(PLATFORM_TOKEN).doesNotContain(ACCESS_TOKEN);
        assertThat(masker.secrets()).contains(PLATFORM_TOKEN, ACCESS_TOKEN);
    }

    @Test
    void aRefusedSecondCertificateClosesTheFirstSessionAndRemovesTheDirectory() throws Exception {
        wm.stubFor(post(urlPathEqualTo("/v1/teams/default/ssh/certificates"))
                .withRequestBody(
                        matchingJsonPath("$.server", com.github.tomakehurst.wiremock.client.WireMock.equalTo("db-01")))
                .willReturn(aResponse()
                        .withStatus(403)
                        .withHeader("Content-Type", "application/problem+json")
                        .withBody("{\"type\":\"urn:keyless:problem:policy-denied\",\"status\":403}")));
        assertThatThrownBy(() -> KeylessJob.open(client(), source(), spec("web-01", "db-01"), context()))
                .isInstanceOf(KeylessProblemException.class)
                .hasMessageStartingWith("policy-denied");
        wm.verify(postRequestedFor(urlPathEqualTo("/v1/teams/default/sessions/s-web-01/close")));
        try (Stream<Path> left = Files.list(tmp)) {
            assertThat(left).isEmpty();
        }
    }

    @Test
    void waitsWhilePendingThenProceeds() throws Exception {
        wm.stubFor(get(urlPathEqualTo("/v1/teams/default/sessions/s-web-01"))
                .inScenario("p")
                .whenScenarioStateIs(STARTED)
                .willReturn(json(session("s-web-01", "PENDING")))
                .willSetStateTo("ready"));
        wm.stubFor(get(urlPathEqualTo("/v1/teams/default/sessions/s-web-01"))
                .inScenario("p")
                .whenScenarioStateIs("ready")
                .willReturn(json(session("s-web-01", "READY"))));
        try (KeylessJob job = KeylessJob.open(client(), source(), spec("web-01"), context())) {
            assertThat(job.sshConfig()).exists();
        }
        assertThat(steps).anyMatch(s -> s.contains("READY"));
    }

    @Test
    void aRevokedSessionFailsTheJobAndIsStillClosed() {
        wm.stubFor(get(urlPathEqualTo("/v1/teams/default/sessions/s-web-01"))
                .willReturn(json(session("s-web-01", "REVOKED"))));
        assertThatThrownBy(() -> KeylessJob.open(client(), source(), spec("web-01"), context()))
                .isInstanceOfSatisfying(SessionNotReadyException.class, e -> assertThat(e.state())
                        .isEqualTo(SessionState.REVOKED));
        wm.verify(postRequestedFor(urlPathEqualTo("/v1/teams/default/sessions/s-web-01/close")));
    }

    @Test
    void aSessionStuckPendingTimesOutWithAHint() {
        wm.stubFor(get(urlPathEqualTo("/v1/teams/default/sessions/s-web-01"))
                .willReturn(json(session("s-web-01", "PENDING"))));
        JobSpec spec = new JobSpec("github", "aud", null, List.of("web-01"), Duration.ofSeconds(1), tmp);
        assertThatThrownBy(() -> KeylessJob.open(client(), source(), spec, context()))
                .isInstanceOf(SessionNotReadyException.class)
                .hasMessageContaining("host agent");
        wm.verify(postRequestedFor(urlPathEqualTo("/v1/teams/default/sessions/s-web-01/close")));
    }

    @Test
    void aFailedCloseIsAWarningNotAnError() throws Exception {
        wm.stubFor(post(urlPathMatching("/v1/teams/default/sessions/.*/close"))
                .willReturn(aResponse().withStatus(503)));
        try (KeylessJob job = KeylessJob.open(client(), source(), spec("web-01"), context())) {
            assertThat(job.servers()).hasSize(1);
        }
        assertThat(steps).anyMatch(s -> s.startsWith("WARN could not close session s-web-01"));
    }

    /**
     * The shutdown hook and the main thread can both close: the JVM halts when the hook returns, so
     * a closer that loses the race must wait for the winner rather than return while the winner's
     * close request is still in flight (that left sessions open on SIGINT).
     */
    @Test
    void aSecondCloseWaitsUntilTheFirstHasFinished() throws Exception {
        wm.stubFor(post(urlPathMatching("/v1/teams/default/sessions/.*/close"))
                .willReturn(json("{\"state\":\"CLOSED\"}").withFixedDelay(800)));
        KeylessJob job = KeylessJob.open(client(), source(), spec("web-01"), context());
        Path dir = job.directory();
        Thread first = new Thread(job::close, "first-closer");
        first.start();
        Instant deadline = Instant.now().plusSeconds(5);
        while (wm.findAll(postRequestedFor(urlPathMatching("/v1/teams/default/sessions/.*/close")))
                .isEmpty()) {
            assertThat(Instant.now()).as("first close request sent").isBefore(deadline);
            Thread.sleep(5);
        }

        job.close();

        assertThat(dir)
                .as("second close returned only after the first removed the directory")
                .doesNotExist();
        assertThat(steps).contains("session s-web-01 closed");
        first.join(5_000);
        assertThat(wm.findAll(postRequestedFor(urlPathMatching("/v1/teams/default/sessions/.*/close"))))
                .hasSize(1);
    }
}

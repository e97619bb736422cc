package dev.keyless.service.it;

import static dev.keyless.testkit.service.TeamSetup.T;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.keyless.client.KeylessClient;
import dev.keyless.client.KeylessProblemException;
import dev.keyless.protocol.WorkloadRequests.AccessToken;
import dev.keyless.testkit.SshKeygen;
import dev.keyless.testkit.TestKeys;
import dev.keyless.testkit.TestTokens;
import dev.keyless.testkit.service.Api;
import dev.keyless.testkit.service.TeamSetup;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The service in its own process with {@code KEYLESS_LOG_FORMAT=json}: a full flow with successes
 * and failures (replays, wrong claims, expired and foreign tokens, an issuer whose keys are down,
 * bad admin and metrics tokens, tokens inside malformed bodies), then the whole log: every line
 * is one JSON object, the lines written while a request ran carry its request id, a 5xx problem
 * names that id, and no token, key or secret used anywhere in the run appears.
 */
class LogSecretsIT {
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path keys;

    @Test
    void jsonLinesWithRequestIdsAndNoSecrets() throws Exception {
        String metricsToken = "kmt_" + java.util.UUID.randomUUID();
        List<String> secrets = new ArrayList<>();
        try (ServiceProcess service = ServiceProcess.start(
                        Map.of("KEYLESS_LOG_FORMAT", "json", "KEYLESS_METRICS_TOKEN", metricsToken));
                TeamSetup team = new TeamSetup(service.uri(), service.bootstrapToken()).standard()) {
            secrets.addAll(List.of(
                    service.bootstrapToken(),
                    service.masterKey(),
                    metricsToken,
                    team.securityTwo,
                    team.devops,
                    team.auditor));
            KeylessClient client = KeylessClient.create(service.uri(), TeamSetup.TEAM);
            Api api = team.api;

            // Successes.
            String token = team.githubToken();
            secrets.add(token);
            AccessToken access = client.authenticate("github", token, null);
            secrets.add(access.accessToken());
            Path key = SshKeygen.generate(keys, "log", "ed25519", 0, "job");
            client.requestCertificate(
                    access.accessToken(),
                    "web-01",
                    Files.readString(Path.of(key + ".pub")).trim());
            secrets.add(Files.readString(key)); // the job's private key never reaches the service; still checked

            // Refusals.
            refused(() -> client.authenticate("github", token, null));
            String wrongRef = team.githubToken(Map.of("ref", "refs/heads/dev"));
            secrets.add(wrongRef);
            refused(() -> client.authenticate("github", wrongRef, null));
            Map<String, Object> claims =
                    TestTokens.claims("github-actions", TeamSetup.ISSUER, TeamSetup.AUDIENCE, Instant.now());
            String expired = TestTokens.sign(
                    TestTokens.times(claims, Instant.now().minus(Duration.ofMinutes(20)), Duration.ofMinutes(5)),
                    team.signingKey);
            secrets.add(expired);
            refused(() -> client.authenticate("github", expired, null));
            String foreign = TestTokens.sign(
                    TestTokens.claims("github-actions", TeamSetup.ISSUER, TeamSetup.AUDIENCE, Instant.now()),
                    TestKeys.rsa("attacker"));
            secrets.add(foreign);
            refused(() -> client.authenticate("github", foreign, null));
            refused(() -> client.authenticate("github", access.accessToken(), null));
            String fakeAdmin = "kla_" + "Z".repeat(43);
            secrets.add(fakeAdmin);
            assertThat(api.get(T + "/connections", fakeAdmin).status()).isEqualTo(401);
            String inBrokenBody = team.githubToken();
            secrets.add(inBrokenBody);
            assertThat(api.post(
                                    T + "/workload/authenticate",
                                    null,
                                    "{\"connection\":\"github\",\"token\":\"" + inBrokenBody)
                            .status())
                    .isEqualTo(400);
            String asFieldName = team.githubToken();
            secrets.add(asFieldName);
            assertThat(api.post(
                                    T + "/workload/authenticate",
                                    null,
                                    Map.of("connection", "github", "token", "x", asFieldName, 1))
                            .status())
                    .isEqualTo(400);
            assertThat(Http.send(
                                    "GET",
                                    service.uri().resolve("/metrics"),
                                    Map.of("Authorization", "Bearer " + fakeAdmin),
                                    null)
                            .statusCode())
                    .isEqualTo(401);
            assertThat(Http.send(
                                    "GET",
                                    service.uri().resolve("/metrics"),
                                    Map.of("Authorization", "Bearer " + metricsToken),
                                    null)
                            .statusCode())
                    .isEqualTo(200);

            // A 5xx: an issuer whose key server is down; the problem names the request id, which
            // is the response's X-Request-Id and the id of the log line that says what failed.
            int deadPort;
            try (ServerSocket s = new ServerSocket(0)) {
                deadPort = s.getLocalPort();
            }
            Map<String, Object> down = new HashMap<>(team.connectionSpec("down"));
            down.put("jwks_uri", "http://127.0.0.1:" + deadPort + "/jwks");
            team.activeConnection(down);
            team.role("down-role", "down", Map.of("repository", "acme-corp/deploy-svc"));
            String toDown = team.githubToken();
            secrets.add(toDown);
            HttpResponse<String> unavailable = Http.send(
                    "POST",
                    service.uri().resolve(T + "/workload/authenticate"),
                    Map.of("X-Request-Id", "ci-run-4711-step-3"),
                    JSON.writeValueAsString(Map.of("connection", "down", "token", toDown)));
            assertThat(unavailable.statusCode()).isEqualTo(503);
            assertThat(unavailable.headers().firstValue("X-Request-Id")).hasValue("ci-run-4711-step-3");
            assertThat(JSON.readTree(unavailable.body()).path("request_id").asText())
                    .isEqualTo("ci-run-4711-step-3");

            // An id that is not a short safe token is replaced, never logged as sent.
            HttpResponse<String> replaced = Http.send(
                    "GET", service.uri().resolve("/health"), Map.of("X-Request-Id", "evil id ${jndi:ldap://x}"), null);
            assertThat(replaced.headers().firstValue("X-Request-Id").orElseThrow())
                    .matches("[0-9a-f-]{36}");

            Thread.sleep(500);
            String log = service.log();
            List<JsonNode> lines = new ArrayList<>();
            for (String line : log.split("\n", -1)) {
                if (!line.isBlank()) {
                    lines.add(JSON.readTree(line)); // throws if a line is not JSON
                }
            }
            assertThat(lines).hasSizeGreaterThanOrEqualTo(3); // start, startup completed, the fetch failure
            assertThat(lines).allSatisfy(l -> assertThat(l.has("level") && l.has("formattedMessage"))
                    .isTrue());
            List<JsonNode> fetchFailures = lines.stream()
                    .filter(l -> l.path("formattedMessage").asText().contains("cannot be fetched"))
                    .toList();
            assertThat(fetchFailures).isNotEmpty();
            assertThat(fetchFailures)
                    .anySatisfy(l -> assertThat(l.path("mdc").path("request_id").asText())
                            .isEqualTo("ci-run-4711-step-3"));
            assertThat(log).doesNotContain("jndi");
            for (String secret : secrets) {
                assertThat(log).as("the log holds a secret of the run").doesNotContain(secret);
                for (String part : secret.split("\\.", -1)) {
                    if (part.length() >= 16) {
                        assertThat(log).as("the log holds part of a token").doesNotContain(part);
                    }
                }
            }
        }
    }

    static void refused(Runnable call) {
        try {
            call.run();
            throw new AssertionError("expected a refusal");
        } catch (KeylessProblemException expected) {
            // refused as it should be
        }
    }
}

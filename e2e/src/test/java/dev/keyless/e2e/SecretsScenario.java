package dev.keyless.e2e;

import static dev.keyless.testkit.service.TeamSetup.AUDIENCE;
import static dev.keyless.testkit.service.TeamSetup.T;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keyless.testkit.CommandResult;
import dev.keyless.testkit.service.Api;
import dev.keyless.testkit.service.TeamSetup;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Secrets end to end: the real service, sshd and host agent, and the built {@code keyless} jar run
 * as a CI job would run it. A role with a grant reveals its secrets into a wrapped command that
 * uses them (and reaches web-01); another role is refused with a clear problem; the values are
 * then searched for everywhere they must not be: the job's stdout and stderr, files left behind,
 * the service log and the audit trail; the audit query shows each reveal linked to the run.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SecretsScenario {
    static final String ROLE = "secretdeploy";
    static final String OTHER = "secretother";
    static final Duration TIMEOUT = Duration.ofSeconds(90);

    final String password = "pw-" + UUID.randomUUID();
    final String keyLineOne = "key-line-" + UUID.randomUUID();
    final String keyLineTwo = "key-line-" + UUID.randomUUID();
    final String key = "-----BEGIN TEST KEY-----\n" + keyLineOne + "\n" + keyLineTwo + "\n-----END TEST KEY-----\n";

    Stack stack;
    TeamSetup team;
    Path tempRoot;
    final List<AutoCloseable> closeAfter = new ArrayList<>();

    @BeforeAll
    void start() throws Exception {
        stack = Stack.start(ROLE);
        team = stack.team;
        stack.grant(OTHER, "github", Map.of("repository", "acme-corp/other-svc"));
        stack.secrets(
                "/e2e/app",
                Map.of("db-password", password, "deploy-key", key),
                List.of(ROLE),
                List.of("list", "reveal"));
    }

    @BeforeEach
    void tempRoot() throws Exception {
        tempRoot = Files.createTempDirectory(Path.of("/tmp"), "ksr");
    }

    @AfterEach
    void cleanUp() throws Exception {
        for (AutoCloseable c : closeAfter) {
            c.close();
        }
        closeAfter.clear();
        Stack.deleteTree(tempRoot);
    }

    @AfterAll
    void stop() {
        if (stack != null) {
            stack.close();
        }
    }

    Map<String, String> githubJob(GitHubTokenEndpoint endpoint) {
        Map<String, String> env = CliProcess.baseEnv();
        env.put("KEYLESS_SERVICE_URL", stack.service.uri().toString());
        env.put("KEYLESS_TEAM", TeamSetup.TEAM);
        env.put("KEYLESS_CONNECTION", "github");
        env.put("KEYLESS_AUDIENCE", AUDIENCE);
        env.put("KEYLESS_TEMP_DIR", tempRoot.toString());
        env.put("CI", "true");
        env.put("GITHUB_ACTIONS", "true");
        env.put("RUNNER_TEMP", tempRoot.toString());
        env.put("ACTIONS_ID_TOKEN_REQUEST_URL", endpoint.requestUrl());
        env.put("ACTIONS_ID_TOKEN_REQUEST_TOKEN", endpoint.requestToken);
        return env;
    }

    GitHubTokenEndpoint endpoint(String repository) throws Exception {
        GitHubTokenEndpoint endpoint =
                new GitHubTokenEndpoint(aud -> team.githubToken(Map.of("aud", aud, "repository", repository)));
        closeAfter.add(endpoint);
        return endpoint;
    }

    @Test
    void aGrantedRoleUsesItsSecretsInTheWrappedCommandAndTheyAppearNowhereElse() throws Exception {
        GitHubTokenEndpoint endpoint = endpoint("acme-corp/deploy-svc");
        // The command uses both values (their digests prove it) and reaches web-01; it prints no value.
        String command = "ssh web-01 whoami; printf %s \"$DB_PASSWORD\" | sha256sum | cut -c1-64;"
                + " sha256sum < \"$DEPLOY_KEY_FILE\" | cut -c1-64; stat -c %a \"$DEPLOY_KEY_FILE\";"
                + " printf %s \"$DB_PASSWORD\" | ssh web-01 'wc -c'";
        CommandResult r = CliProcess.run(
                List.of(
                        "exec",
                        "--server",
                        "web-01",
                        "--secret",
                        "DB_PASSWORD=/e2e/app/db-password",
                        "--secret",
                        "DEPLOY_KEY=/e2e/app/deploy-key",
                        "--",
                        "bash",
                        "-c",
                        command),
                githubJob(endpoint),
                TIMEOUT);
        assertThat(r.exitCode()).as(r.stderr()).isZero();
        assertThat(r.stdout().lines().toList())
                .containsExactly(
                        "wl_" + ROLE, sha256(password), sha256(key), "600", Integer.toString(password.length()));

        List<String> values = List.of(password, keyLineOne, keyLineTwo);
        for (String value : values) {
            assertThat(r.stdout()).doesNotContain(value);
            assertThat(r.stderr()).doesNotContain(value);
            assertThat(stack.service.log()).as("service log").doesNotContain(value);
        }
        try (Stream<Path> left = Files.list(tempRoot)) {
            assertThat(left).as("files left behind").isEmpty();
        }
        assertNowhereUnder(stack.dir, values);

        // The audit trail: each reveal linked to the run's exchange, never a value.
        JsonNode reveals = audit("secret.reveal");
        JsonNode exchange = last(audit("workload.authenticate"), ROLE);
        List<String> revealed = new ArrayList<>();
        for (JsonNode e : reveals) {
            if (e.path("token_id").asText().equals(exchange.path("token_id").asText())) {
                assertThat(e.path("outcome").asText()).isEqualTo("success");
                assertThat(e.path("role").asText()).isEqualTo(ROLE);
                assertThat(e.path("subject").asText())
                        .isEqualTo(exchange.path("subject").asText());
                assertThat(e.path("details").path("run_id").asText())
                        .isEqualTo(exchange.path("claims").path("run_id").asText())
                        .isNotEmpty();
                revealed.add(e.path("details").path("name").asText());
            }
        }
        assertThat(revealed).containsExactlyInAnyOrder("db-password", "deploy-key");
        String trail = team.api.get(T + "/audit?limit=1000", team.auditor).body();
        for (String value : values) {
            assertThat(trail).as("audit trail").doesNotContain(value);
        }
    }

    @Test
    void anotherRoleIsRefusedWithAClearProblem() throws Exception {
        GitHubTokenEndpoint endpoint = endpoint("acme-corp/other-svc");
        CommandResult r = CliProcess.run(
                List.of("secrets", "reveal", "--path", "/e2e/app", "--name", "db-password"),
                githubJob(endpoint),
                TIMEOUT);
        assertThat(r.exitCode()).as(r.stderr()).isEqualTo(3);
        assertThat(r.stdout()).isEmpty();
        assertThat(r.stderr())
                .contains("secret-denied (HTTP 403)")
                .contains("No policy grants role '" + OTHER + "' reveal on /e2e/app/db-password")
                .doesNotContain(password);
        JsonNode refusal = last(audit("secret.reveal"), OTHER);
        assertThat(refusal.path("outcome").asText()).isEqualTo("failure");
        assertThat(refusal.path("reason").asText()).isEqualTo("secret-denied");
        assertThat(refusal.path("details").path("path").asText()).isEqualTo("/e2e/app");
    }

    private JsonNode audit(String type) {
        Api.Response r = team.api.get(T + "/audit?limit=1000&type=" + type, team.auditor);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json().get("events");
    }

    private static JsonNode last(JsonNode events, String role) {
        JsonNode found = null;
        for (JsonNode e : events) {
            if (role.equals(e.path("role").asText())) {
                found = e;
            }
        }
        assertThat(found).as("an event of role " + role).isNotNull();
        return found;
    }

    /** No file the stack wrote (service data and log, agent state, sshd files) holds a value. */
    private static void assertNowhereUnder(Path root, List<String> values) throws Exception {
        try (Stream<Path> files = Files.walk(root)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                byte[] bytes;
                try {
                    bytes = Files.readAllBytes(file);
                } catch (java.nio.file.AccessDeniedException e) {
                    continue;
                }
                String text = new String(bytes, StandardCharsets.ISO_8859_1);
                for (String value : values) {
                    assertThat(text).as(file.toString()).doesNotContain(value);
                }
            }
        }
    }

    private static String sha256(String value) throws Exception {
        return HexFormat.of()
                .formatHex(MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8)));
    }
}

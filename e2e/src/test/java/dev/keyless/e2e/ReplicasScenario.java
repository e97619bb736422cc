package dev.keyless.e2e;

import static dev.keyless.testkit.service.TeamSetup.T;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keyless.testkit.SshKeygen;
import dev.keyless.testkit.service.Api;
import dev.keyless.testkit.service.TeamSetup;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Two real service processes on one MariaDB schema (one master key), under concurrent workload
 * and admin traffic: no request answers 5xx, every success the clients saw has its audit event,
 * the chain verifies, and a platform token sent to both replicas at once is exchanged once.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReplicasScenario {
    static final int CLIENTS = 16;
    static final Duration LOAD = Duration.ofSeconds(20);

    Path dir;
    MariaDbSchema schema;
    ServiceProcess one;
    ServiceProcess two;
    TeamSetup team;
    Api apiOne;
    Api apiTwo;
    String publicKey;

    @BeforeAll
    void start() throws Exception {
        dir = Files.createTempDirectory("keyless-replicas");
        schema = MariaDbSchema.create(null);
        Map<String, String> env = ServiceProcess.deploymentEnv();
        env.put("KEYLESS_DB_URL", schema.jdbcUrl());
        env.put("KEYLESS_DB_USER", "root");
        env.put("KEYLESS_DB_PASSWORD", "");
        // The first replica runs the migrations alone, as the production guide says.
        one = ServiceProcess.start(Files.createDirectories(dir.resolve("one")), env);
        two = ServiceProcess.start(Files.createDirectories(dir.resolve("two")), env);
        team = new TeamSetup(one.uri(), one.bootstrapToken()).standard();
        apiOne = new Api(one.uri());
        apiTwo = new Api(two.uri());
        Path key = SshKeygen.generate(dir, "job", "ed25519", 0, "job");
        publicKey = Files.readString(Path.of(key + ".pub")).trim();
    }

    @AfterAll
    void stop() {
        for (AutoCloseable c : new AutoCloseable[] {one, two, team, schema}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception e) {
                // best effort
            }
        }
    }

    @Test
    void underLoadOnTwoReplicasNothingFailsAndEverySuccessIsAudited() throws Exception {
        WorkloadLoad load = new WorkloadLoad(List.of(apiOne, apiTwo), team::githubToken, publicKey, true, "github");
        Thread running = load.start(CLIENTS, LOAD);
        // Admin writes on both replicas while the workloads run: each change commits with its event.
        List<Api.Response> created = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            Api api = i % 2 == 0 ? apiOne : apiTwo;
            created.add(api.post(
                    T + "/servers",
                    team.devops,
                    Map.of("name", "load-" + i, "address", "127.0.0.1", "port", 22, "labels", Map.of())));
        }
        running.join();

        assertThat(load.serverFaults).as("5xx answers").isEmpty();
        assertThat(load.count("authenticate", 200)).as(load.statuses.toString()).isGreaterThan(20);
        assertThat(created).allSatisfy(r -> assertThat(r.status()).as(r.body()).isEqualTo(201));

        Set<String> audited = WorkloadLoad.successIds(apiOne, team.auditor, "workload.authenticate", "token_id");
        Set<String> seen =
                load.exchanged.stream().map(WorkloadLoad.Success::accessTokenId).collect(Collectors.toSet());
        assertThat(audited).as("every exchange a client saw succeed is audited").containsAll(seen);
        assertThat(audited).as("and nothing else succeeded").hasSameSizeAs(seen);

        Set<String> closedEvents = WorkloadLoad.successIds(apiTwo, team.auditor, "session.close", "session_id");
        assertThat(closedEvents)
                .as("every close a client saw succeed is audited")
                .containsAll(load.sessionsClosed);
        Set<String> issuedEvents = WorkloadLoad.successIds(apiOne, team.auditor, "ssh.certificate.issue", "session_id");
        assertThat(issuedEvents).containsAll(load.certificatesIssued);
        assertThat(WorkloadLoad.auditEvents(apiTwo, team.auditor, "server.create").stream()
                        .filter(e -> e.get("server").asText().startsWith("load-")))
                .hasSize(60);

        for (Api api : List.of(apiOne, apiTwo)) {
            JsonNode verify = api.get(T + "/audit/verify", team.auditor).json();
            assertThat(verify.get("valid").asBoolean()).as(verify.toString()).isTrue();
        }
    }

    @Test
    void aTokenSentToBothReplicasAtOnceIsExchangedOnce() {
        for (int trial = 0; trial < 30; trial++) {
            String token = team.githubToken();
            Map<String, Object> body = Map.of("connection", "github", "token", token);
            CompletableFuture<Api.Response> a =
                    CompletableFuture.supplyAsync(() -> apiOne.post(T + "/workload/authenticate", null, body));
            CompletableFuture<Api.Response> b =
                    CompletableFuture.supplyAsync(() -> apiTwo.post(T + "/workload/authenticate", null, body));
            List<Api.Response> answers = List.of(a.join(), b.join());
            assertThat(answers.stream().map(Api.Response::status))
                    .as(answers.toString())
                    .containsExactlyInAnyOrder(200, 401);
            assertThat(answers.stream()
                            .filter(r -> r.status() == 401)
                            .findFirst()
                            .orElseThrow()
                            .slug())
                    .isEqualTo("token-replayed");
        }
    }
}

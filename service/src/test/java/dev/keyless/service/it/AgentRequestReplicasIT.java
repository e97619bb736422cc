package dev.keyless.service.it;

import static dev.keyless.testkit.service.TeamSetup.T;
import static org.assertj.core.api.Assertions.assertThat;

import dev.keyless.testkit.service.Api;
import dev.keyless.testkit.service.TeamSetup;
import io.micronaut.runtime.server.EmbeddedServer;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Two service replicas on one MariaDB database agree that a signed agent request is good once: the
 * claim of its {@code jti} lives in the database, not in a replica's memory.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AgentRequestReplicasIT {
    static final String SESSIONS = T + "/agents/sessions";

    RunningService service;
    EmbeddedServer replica;
    TeamSetup team;
    TestAgent agent;
    TestAgent viaReplica;

    @BeforeAll
    void start() throws Exception {
        Path dir = Files.createTempDirectory("agent-replicas");
        service = RunningService.start(TestDatabase.MARIADB);
        replica = service.replica();
        team = new TeamSetup(service.uri(), service.bootstrapToken()).standard();
        agent = TestAgent.enroll(service, team, "web-01", dir);
        viaReplica = new TestAgent(URI.create("http://127.0.0.1:" + replica.getPort()), RunningService.TEAM, "web-01");
        viaReplica.agentId = agent.agentId;
    }

    @AfterAll
    void stop() throws Exception {
        team.close();
        replica.getApplicationContext().close();
        service.close();
    }

    @Test
    void aHeaderUsedOnOneReplicaIsRefusedOnTheOther() {
        String header = agent.header("GET", SESSIONS);
        assertThat(agent.call("GET", SESSIONS, null, header).status()).isEqualTo(200);
        Api.Response again = send(header, true);
        assertThat(again.slug()).as(again.body()).isEqualTo("agent-request-replayed");
    }

    @Test
    void aHeaderSentToBothReplicasAtOnceIsAcceptedOnce() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            for (int round = 0; round < 10; round++) {
                String header = agent.header("GET", SESSIONS);
                List<CompletableFuture<Api.Response>> sent = new ArrayList<>();
                for (int i = 0; i < 4; i++) {
                    boolean other = i % 2 == 1;
                    sent.add(CompletableFuture.supplyAsync(() -> send(header, other), pool));
                }
                List<Integer> statuses = new ArrayList<>();
                for (CompletableFuture<Api.Response> f : sent) {
                    statuses.add(f.get().status());
                }
                assertThat(statuses).as("round %d", round).containsOnlyOnce(200);
                assertThat(statuses.stream().filter(s -> s == 401)).hasSize(3);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private Api.Response send(String header, boolean toReplica) {
        return (toReplica ? viaReplica : agent).call("GET", SESSIONS, null, header);
    }
}

package dev.keyless.e2e;

import static dev.keyless.testkit.service.TeamSetup.T;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keyless.testkit.service.Api;
import dev.keyless.testkit.service.TeamSetup;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * {@code kill -9} of the service on its embedded H2 database in the middle of concurrent
 * exchanges: after a restart on the same data dir every exchange a client saw succeed has its audit
 * event, each of those platform tokens is still refused as a replay, and the chain verifies.
 */
class CrashScenario {
    static final int CLIENTS = 8;

    @Test
    void whatAClientSawSucceedSurvivesKillNine() throws Exception {
        Path dir = Files.createTempDirectory("keyless-crash");
        Map<String, String> env = ServiceProcess.deploymentEnv();

        ServiceProcess service = ServiceProcess.start(dir, env);
        try (TeamSetup team = new TeamSetup(service.uri(), service.bootstrapToken())) {
            team.activeJenkinsConnection("jenkins");
            team.role("builder", "jenkins", Map.of("sub", "*"));
            team.server("web-01", 22, Map.of("env", "prod"));
            team.policy("build", List.of("builder"), Map.of("names", List.of("web-01")), List.of());
            // Jenkins tokens carry no jti: the replay guard keys on what was signed.
            WorkloadLoad load = new WorkloadLoad(
                    List.of(new Api(service.uri())),
                    () -> team.jenkinsToken("https://jenkins.example.com/job/build/" + new SecureRandom().nextLong()),
                    null,
                    false,
                    "jenkins");
            Thread running = load.start(CLIENTS, Duration.ofSeconds(60));
            while (load.exchanged.size() < 150) {
                Thread.sleep(20);
            }
            service.kill();
            load.stop();
            running.join();
            assertThat(load.serverFaults).as("5xx before the crash").isEmpty();

            service = ServiceProcess.start(dir, env);
            Api api = new Api(service.uri());
            Set<String> audited = WorkloadLoad.successIds(api, team.auditor, "workload.authenticate", "token_id");
            List<WorkloadLoad.Success> seen = new ArrayList<>(load.exchanged);
            assertThat(audited)
                    .as("audit events of the exchanges that answered 200 before kill -9")
                    .containsAll(seen.stream()
                            .map(WorkloadLoad.Success::accessTokenId)
                            .toList());
            for (WorkloadLoad.Success s : seen) {
                Api.Response again = api.post(
                        T + "/workload/authenticate",
                        null,
                        Map.of("connection", "jenkins", "token", s.platformToken()));
                assertThat(again.status()).as(again.body()).isEqualTo(401);
                assertThat(again.slug()).isEqualTo("token-replayed");
            }
            JsonNode verify = api.get(T + "/audit/verify", team.auditor).json();
            assertThat(verify.get("valid").asBoolean()).as(verify.toString()).isTrue();
        } finally {
            service.close();
        }
    }
}

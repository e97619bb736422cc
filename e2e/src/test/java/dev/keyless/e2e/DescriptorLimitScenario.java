package dev.keyless.e2e;

import static dev.keyless.testkit.service.TeamSetup.T;
import static org.assertj.core.api.Assertions.assertThat;

import dev.keyless.testkit.SshKeygen;
import dev.keyless.testkit.service.Api;
import dev.keyless.testkit.service.TeamSetup;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The real service jar under {@code prlimit --nofile=512}: more agent long polls than its
 * descriptors allow are refused with {@code agent-capacity} (and counted) before the process runs
 * out, and workload and admin requests keep being answered meanwhile. The polls are signed agent
 * requests of one enrolled agent, many at once, each on its own connection.
 */
class DescriptorLimitScenario {
    private static final int LIMIT = 512;
    private static final int RESERVE = 128;
    private static final int POLLS = 600;
    private static final String METRICS_TOKEN = "kmt_" + "descriptor-scenario".repeat(2);

    @Test
    void refusesAgentPollsNearTheLimitAndKeepsServingWorkloads() throws Exception {
        Path dir = Files.createTempDirectory("keyless-descriptors");
        Map<String, String> env = new java.util.HashMap<>();
        env.put("KEYLESS_AGENT_DESCRIPTOR_RESERVE", Integer.toString(RESERVE));
        env.put("KEYLESS_METRICS_TOKEN", METRICS_TOKEN);
        try (ServiceProcess service =
                        ServiceProcess.start(dir, env, List.of("prlimit", "--nofile=" + LIMIT + ":" + LIMIT, "--"));
                TeamSetup team = new TeamSetup(service.uri(), service.bootstrapToken())) {
            team.standard();
            SignedAgent agent = enroll(service.uri(), team, dir);
            HttpClient agents =
                    HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            List<CompletableFuture<Integer>> polls = new ArrayList<>();
            for (int i = 0; i < POLLS; i++) {
                polls.add(agent.poll(agents, 0, 20).exceptionally(failure -> -1));
            }
            Thread.sleep(8_000); // every poll has been answered 503 or is waiting

            // Workload and admin requests still get descriptors.
            Api.Response servers = team.api.get(T + "/servers", team.devops);
            assertThat(servers.status()).as(servers.body()).isEqualTo(200);
            HttpClient http = HttpClient.newHttpClient();
            HttpResponse<String> metrics = http.send(
                    HttpRequest.newBuilder(service.uri().resolve("/metrics"))
                            .header("Authorization", "Bearer " + METRICS_TOKEN)
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(metrics.statusCode()).isEqualTo(200);
            double refused = series(metrics.body(), "keyless_agent_polls_refused_total");
            double open = series(metrics.body(), "keyless_agent_polls_open");
            double capacity = series(metrics.body(), "keyless_agent_descriptor_capacity");
            System.out.printf(
                    "RESULT descriptors %d (reserve %d): %d polls, %.0f open, %.0f refused, capacity %.0f%n",
                    LIMIT, RESERVE, POLLS, open, refused, capacity);
            assertThat(capacity).isEqualTo(LIMIT - RESERVE);
            assertThat(refused).as("polls past the capacity were refused").isGreaterThan(0);
            assertThat(open).as("polls within it wait").isGreaterThan(50);

            List<Integer> statuses = new ArrayList<>();
            for (CompletableFuture<Integer> poll : polls) {
                statuses.add(poll.get(60, TimeUnit.SECONDS));
            }
            assertThat(statuses).containsOnly(200, 503);
            assertThat(service.log()).doesNotContain("Too many open files");
            assertThat(service.log()).contains("refusing agent long polls (agent-capacity)");
        } finally {
            Stack.deleteTree(dir);
        }
    }

    /** Enrols one agent for {@code web-01} with a one-time token and an ssh-keygen host key. */
    private static SignedAgent enroll(URI service, TeamSetup team, Path dir) throws Exception {
        String token = team.api
                .post(T + "/servers/web-01/enrollment-tokens", team.devops, null)
                .json()
                .get("token")
                .asText();
        Path hostKey = SshKeygen.generate(dir, "ssh_host_ed25519_key", "ed25519", 0, "host");
        String hostPublicKey = Files.readString(Path.of(hostKey + ".pub")).strip();
        return SignedAgent.enroll(service, TeamSetup.TEAM, "web-01", token, hostPublicKey);
    }

    private static double series(String prometheus, String name) {
        return prometheus
                .lines()
                .filter(line -> line.startsWith(name + " ") || line.startsWith(name + "{"))
                .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
                .sum();
    }
}

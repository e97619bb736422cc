package dev.keyless.e2e;

import static dev.keyless.testkit.service.TeamSetup.T;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.keyless.testkit.CommandResult;
import dev.keyless.testkit.audit.SelfSignedTls;
import dev.keyless.testkit.audit.StreamOrder;
import dev.keyless.testkit.audit.WebhookReceiver;
import dev.keyless.testkit.service.Api;
import dev.keyless.testkit.service.TeamSetup;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The audit stream through failures of both ends, with the real service process: under exchange
 * load the HTTPS webhook receiver dies and comes back, then the service is killed with {@code kill
 * -9} and restarted on the same data dir. The webhook and the JSON-lines file end up with every
 * event of the chain, never out of order (a resend only goes back), duplicates only from resends;
 * the checkpoints they carried verify the chain with {@code keyless admin audit verify
 * --checkpoints}.
 */
class AuditStreamScenario {
    static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void nothingLostAndOrderKeptThroughAReceiverDeathAndKillNine() throws Exception {
        Path dir = Files.createTempDirectory("keyless-audit-stream");
        SelfSignedTls tls = SelfSignedTls.create(dir.resolve("tls"));
        String hookToken = "hook-" + new SecureRandom().nextLong();
        Path file = dir.resolve("stream/audit.jsonl");
        try (WebhookReceiver receiver = new WebhookReceiver(tls, hookToken)) {
            Map<String, String> env = ServiceProcess.deploymentEnv();
            env.put("KEYLESS_AUDIT_STREAM_WEBHOOK_URL", receiver.url());
            env.put("KEYLESS_AUDIT_STREAM_WEBHOOK_TOKEN", hookToken);
            env.put("KEYLESS_AUDIT_STREAM_WEBHOOK_CA_FILE", tls.certificate().toString());
            env.put("KEYLESS_AUDIT_STREAM_FILE_PATH", file.toString());
            env.put("KEYLESS_AUDIT_STREAM_BATCH_SIZE", "25");
            env.put("KEYLESS_AUDIT_STREAM_POLL_INTERVAL", "100ms");
            env.put("KEYLESS_AUDIT_STREAM_MAX_BACKOFF", "2s");
            env.put("KEYLESS_AUDIT_STREAM_LEASE", "5s");
            env.put("KEYLESS_AUDIT_CHECKPOINT_INTERVAL", "2s");
            env.put(
                    "KEYLESS_AUDIT_CHECKPOINT_KEY",
                    java.util.Base64.getEncoder().encodeToString(seed()));

            ServiceProcess service = ServiceProcess.start(dir, env);
            try (TeamSetup team = new TeamSetup(service.uri(), service.bootstrapToken())) {
                team.activeJenkinsConnection("jenkins");
                team.role("builder", "jenkins", Map.of("sub", "*"));
                team.server("web-01", 22, Map.of("env", "prod"));
                team.policy("build", List.of("builder"), Map.of("names", List.of("web-01")), List.of());
                WorkloadLoad load = new WorkloadLoad(
                        List.of(new Api(service.uri())),
                        () -> team.jenkinsToken("https://jenkins.example.com/job/b/" + new SecureRandom().nextLong()),
                        null,
                        false,
                        "jenkins");
                Thread running = load.start(4, Duration.ofSeconds(90));
                await("the webhook to get 100 events", () -> events(receiver.received()) >= 100);
                receiver.stop();
                int atDeath = load.exchanged.size();
                await("100 exchanges while the receiver is down", () -> load.exchanged.size() >= atDeath + 100);
                receiver.start();
                int back = events(receiver.received());
                await("the webhook to receive again", () -> events(receiver.received()) > back + 50);
                service.kill();
                load.stop();
                running.join();
                assertThat(load.serverFaults).as("5xx under load").isEmpty();

                service = ServiceProcess.start(dir, env);
                Api api = new Api(service.uri());
                long head = api.get(T + "/audit/verify", team.auditor)
                        .json()
                        .path("events_checked")
                        .asLong();
                assertThat(head).isGreaterThan(200);
                await("the webhook to catch up", () -> StreamOrder.check(receiver.received(), TeamSetup.TEAM, head)
                        .isEmpty());
                await("the file to catch up", () -> StreamOrder.check(lines(file), TeamSetup.TEAM, head)
                        .isEmpty());
                System.out.printf(
                        "audit stream: head %d, webhook %d records in %d batches, %d duplicate events; file %d duplicates%n",
                        head,
                        receiver.received().size(),
                        receiver.batches(),
                        StreamOrder.duplicates(receiver.received(), TeamSetup.TEAM),
                        StreamOrder.duplicates(lines(file), TeamSetup.TEAM));

                await("a checkpoint of the head in the stream", () -> receiver.received().stream()
                        .anyMatch(r -> r.path("record_type").asText().equals("audit_checkpoint")
                                && r.path("seq").asLong() >= head));
                Path checkpoints = dir.resolve("shipped-checkpoints.jsonl");
                Files.writeString(
                        checkpoints,
                        receiver.received().stream()
                                .filter(r -> r.path("record_type").asText().equals("audit_checkpoint"))
                                .map(JsonNode::toString)
                                .collect(Collectors.joining("\n", "", "\n")));
                CommandResult verified = CliProcess.run(
                        List.of(
                                "admin",
                                "audit",
                                "verify",
                                "--service-url",
                                service.uri().toString(),
                                "--team",
                                TeamSetup.TEAM,
                                "--output",
                                "json",
                                "--checkpoints",
                                checkpoints.toString()),
                        withAdminToken(team.auditor),
                        Duration.ofSeconds(60));
                assertThat(verified.exitCode())
                        .as(verified.stdout() + verified.stderr())
                        .isZero();
                assertThat(verified.stdout()).contains("\"valid\" : true");
                assertThat(service.log()).doesNotContain(hookToken);
            } finally {
                service.close();
            }
        }
    }

    static Map<String, String> withAdminToken(String token) {
        Map<String, String> env = CliProcess.baseEnv();
        env.put("KEYLESS_ADMIN_TOKEN", token);
        return env;
    }

    static byte[] seed() {
        byte[] seed = new byte[32];
        new SecureRandom().nextBytes(seed);
        return seed;
    }

    static int events(List<JsonNode> records) {
        return (int) records.stream()
                .filter(r -> r.path("record_type").asText().equals("audit_event"))
                .count();
    }

    static List<JsonNode> lines(Path file) throws Exception {
        List<JsonNode> out = new ArrayList<>();
        if (Files.exists(file)) {
            for (String line : Files.readAllLines(file)) {
                if (!line.isBlank()) {
                    out.add(JSON.readTree(line));
                }
            }
        }
        return out;
    }

    static void await(String what, Callable<Boolean> done) throws Exception {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(90));
        while (Instant.now().isBefore(deadline)) {
            if (done.call()) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("timed out waiting for " + what);
    }
}

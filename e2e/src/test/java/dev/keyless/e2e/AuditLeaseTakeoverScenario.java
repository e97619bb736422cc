package dev.keyless.e2e;

import static dev.keyless.e2e.AuditStreamScenario.await;
import static dev.keyless.e2e.AuditStreamScenario.seed;
import static dev.keyless.testkit.service.TeamSetup.T;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keyless.testkit.audit.SelfSignedTls;
import dev.keyless.testkit.audit.StreamOrder;
import dev.keyless.testkit.audit.WebhookReceiver;
import dev.keyless.testkit.service.Api;
import dev.keyless.testkit.service.TeamSetup;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Two real service replicas on one MariaDB schema stream the audit chain to one HTTPS webhook
 * through one lease ({@code audit_stream_lease}). The holder is killed with {@code kill -9}, so it
 * never releases the lease; the other replica takes the lease over within the lease time and
 * streams what was recorded meanwhile. At the sink every event of the chain arrives, in order,
 * none twice (the holder was killed with nothing in flight).
 *
 * <p>The second test kills the holder mid-batch: the webhook has read a batch from it and not
 * answered yet when {@code kill -9} lands, and never keeps that batch. The other replica takes the
 * lease over and must send the batch again from the dead holder's cursor: every event arrives, in
 * order, the held ones included; duplicates only as at-least-once allows.
 */
class AuditLeaseTakeoverScenario {
    static final Duration LEASE = Duration.ofSeconds(5);
    static final Duration MID_BATCH_LEASE = Duration.ofSeconds(30);

    @Test
    void theOtherReplicaTakesTheLeaseOverAfterAKillNineAndNothingIsLostOrDoubled() throws Exception {
        Path dir = Files.createTempDirectory("keyless-lease");
        SelfSignedTls tls = SelfSignedTls.create(dir.resolve("tls"));
        String hookToken = "hook-" + new SecureRandom().nextLong();
        try (MariaDbSchema schema = MariaDbSchema.create(null);
                WebhookReceiver receiver = new WebhookReceiver(tls, hookToken)) {
            Map<String, String> env = ServiceProcess.deploymentEnv();
            env.put("KEYLESS_DB_URL", schema.jdbcUrl());
            env.put("KEYLESS_DB_USER", "root");
            env.put("KEYLESS_DB_PASSWORD", "");
            env.put("KEYLESS_AUDIT_STREAM_WEBHOOK_URL", receiver.url());
            env.put("KEYLESS_AUDIT_STREAM_WEBHOOK_TOKEN", hookToken);
            env.put("KEYLESS_AUDIT_STREAM_WEBHOOK_CA_FILE", tls.certificate().toString());
            env.put("KEYLESS_AUDIT_STREAM_BATCH_SIZE", "25");
            env.put("KEYLESS_AUDIT_STREAM_POLL_INTERVAL", "100ms");
            env.put("KEYLESS_AUDIT_STREAM_LEASE", LEASE.toSeconds() + "s");
            env.put("KEYLESS_AUDIT_CHECKPOINT_KEY", Base64.getEncoder().encodeToString(seed()));

            // The first replica alone: it takes the lease and streams.
            ServiceProcess one = ServiceProcess.start(Files.createDirectories(dir.resolve("one")), env);
            ServiceProcess two = null;
            try (TeamSetup team = new TeamSetup(one.uri(), one.bootstrapToken()).standard()) {
                exchanges(new Api(one.uri()), team, 40);
                await("the first replica to stream", () -> events(receiver) >= 40);
                String holder = holder(schema);
                assertThat(holder).as("the lease row").isNotBlank();

                // The second replica joins: the lease stays with the first while it renews.
                two = ServiceProcess.start(Files.createDirectories(dir.resolve("two")), env);
                Api apiTwo = new Api(two.uri());
                exchanges(apiTwo, team, 20);
                Thread.sleep(LEASE.toMillis());
                assertThat(holder(schema)).as("a live holder keeps its lease").isEqualTo(holder);
                long caughtUp = head(apiTwo, team);
                await("the sink to catch up before the kill", () -> StreamOrder.check(
                                receiver.received(), TeamSetup.TEAM, caughtUp)
                        .isEmpty());

                // kill -9: the lease is never released. Events recorded meanwhile wait in the chain.
                one.kill();
                long killedAt = System.nanoTime();
                exchanges(apiTwo, team, 30);
                await("the second replica to take the lease", () -> !holder.equals(holder(schema)));
                Duration takeover = Duration.ofNanos(System.nanoTime() - killedAt);
                assertThat(takeover)
                        .as("taken over within the lease time (plus a poll)")
                        .isLessThanOrEqualTo(LEASE.plusSeconds(2));

                long head = head(apiTwo, team);
                await("the sink to get every event from the new holder", () -> StreamOrder.check(
                                receiver.received(), TeamSetup.TEAM, head)
                        .isEmpty());
                long duplicates = StreamOrder.duplicates(receiver.received(), TeamSetup.TEAM);
                System.out.printf(
                        "audit lease takeover: after kill -9 in %d ms (lease %d s); head %d, %d records, %d duplicates%n",
                        takeover.toMillis(),
                        LEASE.toSeconds(),
                        head,
                        receiver.received().size(),
                        duplicates);
                assertThat(duplicates).as("events received twice").isZero();
            } finally {
                one.close();
                if (two != null) {
                    two.close();
                }
                Stack.deleteTree(dir);
            }
        }
    }

    @Test
    void aHolderKilledMidBatchIsTakenOverAndTheUnacknowledgedBatchIsSentAgain() throws Exception {
        Path dir = Files.createTempDirectory("keyless-lease-mid");
        SelfSignedTls tls = SelfSignedTls.create(dir.resolve("tls"));
        String hookToken = "hook-" + new SecureRandom().nextLong();
        try (MariaDbSchema schema = MariaDbSchema.create(null);
                WebhookReceiver receiver = new WebhookReceiver(tls, hookToken)) {
            Map<String, String> env = ServiceProcess.deploymentEnv();
            env.put("KEYLESS_DB_URL", schema.jdbcUrl());
            env.put("KEYLESS_DB_USER", "root");
            env.put("KEYLESS_DB_PASSWORD", "");
            env.put("KEYLESS_AUDIT_STREAM_WEBHOOK_URL", receiver.url());
            env.put("KEYLESS_AUDIT_STREAM_WEBHOOK_TOKEN", hookToken);
            env.put("KEYLESS_AUDIT_STREAM_WEBHOOK_CA_FILE", tls.certificate().toString());
            env.put("KEYLESS_AUDIT_STREAM_WEBHOOK_TIMEOUT", "60s");
            env.put("KEYLESS_AUDIT_STREAM_BATCH_SIZE", "10");
            env.put("KEYLESS_AUDIT_STREAM_POLL_INTERVAL", "100ms");
            env.put("KEYLESS_AUDIT_STREAM_MAX_BACKOFF", "1s");
            // longer than the hold below: a holder stuck in one delivery past its lease loses it
            // (it cannot renew while it waits), and this test is about the kill, not that overlap
            env.put("KEYLESS_AUDIT_STREAM_LEASE", MID_BATCH_LEASE.toSeconds() + "s");
            env.put("KEYLESS_AUDIT_CHECKPOINT_KEY", Base64.getEncoder().encodeToString(seed()));

            ServiceProcess one = ServiceProcess.start(Files.createDirectories(dir.resolve("one")), env);
            ServiceProcess two = null;
            try (TeamSetup team = new TeamSetup(one.uri(), one.bootstrapToken()).standard()) {
                exchanges(new Api(one.uri()), team, 20);
                two = ServiceProcess.start(Files.createDirectories(dir.resolve("two")), env);
                Api apiTwo = new Api(two.uri());
                long caughtUp = head(apiTwo, team);
                await("the sink to catch up", () -> StreamOrder.check(receiver.received(), TeamSetup.TEAM, caughtUp)
                        .isEmpty());
                String holder = holder(schema);

                // Events pile up while the receiver refuses, so the next batch is a full one; the
                // holder sends it, and the receiver reads it and does not answer.
                receiver.refuseNext(1_000_000);
                exchanges(apiTwo, team, 15);
                WebhookReceiver.Hold hold = receiver.holdNext();
                receiver.refuseNext(0);
                List<JsonNode> held = hold.arrived().get(60, TimeUnit.SECONDS);
                List<Long> heldSeqs = held.stream()
                        .filter(r -> r.path("record_type").asText().equals("audit_event"))
                        .map(r -> r.path("seq").asLong())
                        .toList();
                assertThat(heldSeqs)
                        .as("the batch in flight is a full batch of events")
                        .hasSize(10);
                assertThat(holder(schema)).as("sent by the holder").isEqualTo(holder);

                // kill -9 mid-batch: nothing of it acknowledged, the lease never released.
                one.kill();
                receiver.release();
                long killedAt = System.nanoTime();
                exchanges(apiTwo, team, 25);
                await("the second replica to take the lease", () -> !holder.equals(holder(schema)));
                Duration takeover = Duration.ofNanos(System.nanoTime() - killedAt);

                long head = head(apiTwo, team);
                await("the sink to get every event from the new holder", () -> StreamOrder.check(
                                receiver.received(), TeamSetup.TEAM, head)
                        .isEmpty());
                List<JsonNode> received = receiver.received();
                assertThat(received.stream()
                                .filter(r -> r.path("record_type").asText().equals("audit_event"))
                                .map(r -> r.path("seq").asLong()))
                        .as("the held batch, resent by the new holder")
                        .containsAll(heldSeqs);
                System.out.printf(
                        "audit lease takeover mid-batch: held seq %d..%d, taken over in %d ms; head %d, %d records, %d duplicates%n",
                        heldSeqs.get(0),
                        heldSeqs.get(heldSeqs.size() - 1),
                        takeover.toMillis(),
                        head,
                        received.size(),
                        StreamOrder.duplicates(received, TeamSetup.TEAM));
            } finally {
                receiver.release();
                one.close();
                if (two != null) {
                    two.close();
                }
                Stack.deleteTree(dir);
            }
        }
    }

    private static void exchanges(Api api, TeamSetup team, int n) {
        for (int i = 0; i < n; i++) {
            Api.Response r = api.post(
                    T + "/workload/authenticate",
                    null,
                    Map.of("connection", "github", "token", team.githubToken(), "role_hint", "deployer"));
            assertThat(r.status()).as(r.body()).isEqualTo(200);
        }
    }

    private static int events(WebhookReceiver receiver) {
        return AuditStreamScenario.events(receiver.received());
    }

    private static long head(Api api, TeamSetup team) {
        return api.get(T + "/audit/verify", team.auditor)
                .json()
                .path("events_checked")
                .asLong();
    }

    private static String holder(MariaDbSchema schema) {
        return schema.query("SELECT holder FROM audit_stream_lease WHERE sink = 'webhook'")
                .strip();
    }
}

package dev.keyless.service.it;

import static dev.keyless.service.it.AuditStreamIT.TOKEN;
import static dev.keyless.service.it.AuditStreamIT.await;
import static dev.keyless.service.it.AuditStreamIT.events;
import static dev.keyless.service.it.AuditStreamIT.fast;
import static org.assertj.core.api.Assertions.assertThat;

import dev.keyless.testkit.audit.SelfSignedTls;
import dev.keyless.testkit.audit.StreamOrder;
import dev.keyless.testkit.audit.WebhookReceiver;
import dev.keyless.testkit.service.TeamSetup;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.runtime.server.EmbeddedServer;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A stream holder stuck in one delivery longer than its lease: the webhook takes a batch and
 * answers it (200) only after 5 s, with a 2 s lease and a 15 s webhook timeout, so the holder's
 * thread is inside {@code deliver} when the lease runs out. The second replica takes the lease and
 * streams from the cursor; the stuck one, when its answer comes, finds the lease gone, leaves the
 * cursor alone and ships nothing more. The webhook ends with every event in order, its only
 * duplicates the batch sent twice; the cursor, sampled every 20 ms, never moves back.
 */
class AuditLeaseStallIT {
    @TempDir
    Path dir;

    @Test
    void aHolderStuckPastItsLeaseHandsOverWithoutLossReorderingOrAParallelSender() throws Exception {
        SelfSignedTls tls = SelfSignedTls.create(dir.resolve("tls"));
        try (WebhookReceiver receiver = new WebhookReceiver(tls, TOKEN);
                RunningService service = RunningService.start(
                        TestDatabase.H2,
                        fast(Map.of(
                                "keyless.audit.stream.webhook.url",
                                receiver.url(),
                                "keyless.audit.stream.webhook.token",
                                TOKEN,
                                "keyless.audit.stream.webhook.ca-file",
                                tls.certificate().toString(),
                                "keyless.audit.stream.webhook.timeout",
                                "15s",
                                "keyless.audit.stream.lease",
                                "2s")));
                TeamSetup team = new TeamSetup(service.uri(), service.bootstrapToken())) {
            long first = events(service, team, "before-", 5);
            await("the first holder to stream", () -> StreamOrder.check(receiver.received(), RunningService.TEAM, first)
                    .isEmpty());
            EmbeddedServer replica = service.replica();
            List<Long> cursor = new ArrayList<>();
            AtomicBoolean sampling = new AtomicBoolean(true);
            Thread sampler = new Thread(() -> sample(service, cursor, sampling));
            try {
                sampler.start();
                MeterRegistry holder = service.context().getBean(MeterRegistry.class);
                MeterRegistry other = replica.getApplicationContext().getBean(MeterRegistry.class);

                receiver.stallNext(Duration.ofSeconds(5));
                long stuckFrom = events(service, team, "stalled-", 3);
                for (int i = 0; i < 6; i++) {
                    Thread.sleep(1_000);
                    events(service, team, "during-" + i + "-", 2);
                }
                await(
                        "the stuck holder to wake and find its lease gone",
                        () -> holder.counter("keyless.audit.stream.lease.lost", "sink", "webhook")
                                        .count()
                                == 1);
                double shippedByStuck = batches(holder);
                long head = events(service, team, "after-", 10);
                await("the webhook to hold every event", () -> StreamOrder.check(
                                receiver.received(), RunningService.TEAM, head)
                        .isEmpty());
                Thread.sleep(2_000);

                assertThat(StreamOrder.check(receiver.received(), RunningService.TEAM, head))
                        .isEmpty();
                assertThat(batches(holder))
                        .as("the stuck holder shipped nothing after it woke")
                        .isEqualTo(shippedByStuck);
                assertThat(batches(other)).as("the replica took over").isPositive();
                long duplicates = StreamOrder.duplicates(receiver.received(), RunningService.TEAM);
                System.out.printf(
                        "audit lease stall: stuck from seq %d, head %d, %d records, %d duplicates, %d cursor samples%n",
                        stuckFrom, head, receiver.received().size(), duplicates, cursor.size());
                assertThat(duplicates)
                        .as("only the stalled batch arrives twice")
                        .isPositive()
                        .isLessThanOrEqualTo(7);
            } finally {
                sampling.set(false);
                sampler.join();
                replica.close();
            }
            synchronized (cursor) {
                assertThat(cursor).as("the cursor never moves back").isSorted();
                assertThat(cursor).isNotEmpty();
            }
        }
    }

    private static double batches(MeterRegistry registry) {
        return registry.counter("keyless.audit.stream.batches", "sink", "webhook")
                .count();
    }

    private static void sample(RunningService service, List<Long> cursor, AtomicBoolean sampling) {
        try (Connection c = service.jdbc();
                PreparedStatement ps =
                        c.prepareStatement("SELECT seq FROM audit_stream_cursor WHERE sink = 'webhook' AND team = ?")) {
            ps.setString(1, RunningService.TEAM);
            while (sampling.get()) {
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        synchronized (cursor) {
                            cursor.add(rs.getLong(1));
                        }
                    }
                }
                Thread.sleep(20);
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}

package dev.keyless.service.it;

import static dev.keyless.service.it.AuditStreamIT.await;
import static dev.keyless.service.it.AuditStreamIT.events;
import static dev.keyless.service.it.AuditStreamIT.fast;
import static dev.keyless.service.it.AuditStreamIT.syslogRecords;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keyless.testkit.audit.Rsyslogd;
import dev.keyless.testkit.audit.StreamOrder;
import dev.keyless.testkit.service.TeamSetup;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The RELP sink against Debian's rsyslogd with imrelp (rsyslog-relp), whose main queue is direct:
 * it writes a message before it answers {@code rsp 200}. The receiver hangs with a batch written
 * to its socket but unanswered ({@code kill -STOP}), is killed ({@code kill -9}) while events keep
 * being recorded, and is restarted on the same port: everything the service had written but not
 * seen acknowledged is sent again, so the file ends with every event, in order. TCP syslog would
 * have counted that batch as delivered the moment it was flushed, and lost it.
 */
class AuditRelpIT {
    @TempDir
    Path dir;

    @Test
    void receiverKilledMidStreamLosesNothingAndKeepsOrder() throws Exception {
        assumeTrue(Rsyslogd.relpInstalled(), "rsyslog-relp is installed by .ci/run");
        try (Rsyslogd rsyslog = Rsyslogd.startRelp(dir.resolve("relp"));
                RunningService service = RunningService.start(
                        TestDatabase.H2,
                        fast(Map.of(
                                "keyless.audit.stream.relp.host", "127.0.0.1",
                                "keyless.audit.stream.relp.port", rsyslog.port(),
                                "keyless.audit.stream.relp.timeout", "2s")));
                TeamSetup team = new TeamSetup(service.uri(), service.bootstrapToken())) {
            long first = events(service, team, "relp-a-", 10);
            await("rsyslog to hold the first events", () -> StreamOrder.check(
                            syslogRecords(rsyslog), RunningService.TEAM, first)
                    .isEmpty());

            // Hung: the next batch goes into the socket, and no answer comes back.
            rsyslog.freeze();
            int before = rsyslog.lines().size();
            long written = events(service, team, "relp-b-", 10);
            Thread.sleep(1_000);
            // Dead, with that batch unread in its socket; events keep coming meanwhile.
            rsyslog.kill();
            assertThat(rsyslog.lines())
                    .as("nothing of the hung batch reached the file")
                    .hasSize(before);
            Thread load = new Thread(() -> {
                for (int i = 0; i < 15; i++) {
                    team.server("relp-c-" + i, 22, Map.of());
                }
            });
            load.start();
            Thread.sleep(1_500);
            rsyslog.restart();
            load.join();
            long head = events(service, team, "relp-d-", 5);
            assertThat(head).isGreaterThan(written);

            await("rsyslog to hold every event after its restart", () -> StreamOrder.check(
                            syslogRecords(rsyslog), RunningService.TEAM, head)
                    .isEmpty());
            List<JsonNode> received = syslogRecords(rsyslog);
            long duplicates = StreamOrder.duplicates(received, RunningService.TEAM);
            System.out.printf(
                    "audit RELP: head %d, %d records received, %d duplicate events%n",
                    head, received.size(), duplicates);
            assertThat(duplicates)
                    .as("only what was in flight at the kill is resent (at-least-once)")
                    .isLessThanOrEqualTo(2L * 7);
        }
    }
}

package dev.keyless.service.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.keyless.testkit.audit.Rsyslogd;
import dev.keyless.testkit.audit.SelfSignedTls;
import dev.keyless.testkit.audit.StreamOrder;
import dev.keyless.testkit.audit.WebhookReceiver;
import dev.keyless.testkit.service.TeamSetup;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The audit stream against real receivers: Debian's rsyslogd over TCP and over TLS (rsyslog parses
 * each RFC 5424 message: app name, MSGID, structured data), the rotated JSON-lines file, and an
 * HTTPS webhook that refuses batches for a while. Each gets every event of the chain, in order,
 * and the signed checkpoints.
 */
class AuditStreamIT {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String TOKEN = "webhook-test-token-" + System.nanoTime();

    @TempDir
    Path dir;

    static Map<String, Object> fast(Map<String, Object> sink) {
        Map<String, Object> props = new HashMap<>(sink);
        props.put("keyless.audit.stream.poll-interval", "100ms");
        props.put("keyless.audit.stream.max-backoff", "1s");
        props.put("keyless.audit.stream.batch-size", "7");
        props.put("keyless.audit.checkpoint.interval", "1s");
        return props;
    }

    /** Makes admin changes (each one event) and returns the chain's head seq afterwards. */
    static long events(RunningService service, TeamSetup team, String prefix, int n) {
        for (int i = 0; i < n; i++) {
            team.server(prefix + i, 22, Map.of());
        }
        return team.api
                .get(TeamSetup.T + "/audit/verify", team.auditor)
                .json()
                .path("events_checked")
                .asLong();
    }

    static void await(String what, Callable<Boolean> done) throws Exception {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
        while (Instant.now().isBefore(deadline)) {
            if (done.call()) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("timed out waiting for " + what);
    }

    static List<JsonNode> syslogRecords(Rsyslogd rsyslog) throws Exception {
        List<JsonNode> records = new ArrayList<>();
        for (String line : rsyslog.lines()) {
            String[] parts = line.split("\\|", 4);
            JsonNode record = JSON.readTree(parts[3].strip());
            assertThat(parts[0]).isEqualTo("keyless");
            assertThat(parts[1])
                    .isEqualTo(
                            record.path("record_type").asText().equals("audit_event")
                                    ? record.path("type").asText()
                                    : "audit.checkpoint");
            assertThat(parts[2])
                    .startsWith("[keyless@32473 team=\"" + record.path("team").asText() + "\" seq=\""
                            + record.path("seq").asLong() + "\"");
            records.add(record);
        }
        return records;
    }

    @Test
    void rsyslogOverTcpReceivesTheChainInOrder() throws Exception {
        assumeTrue(Rsyslogd.installed(), "rsyslog is installed by .ci/run");
        try (Rsyslogd rsyslog = Rsyslogd.start(dir.resolve("rsyslog"), null);
                RunningService service = RunningService.start(
                        TestDatabase.H2,
                        fast(Map.of(
                                "keyless.audit.stream.syslog.host",
                                "127.0.0.1",
                                "keyless.audit.stream.syslog.port",
                                rsyslog.port())));
                TeamSetup team = new TeamSetup(service.uri(), service.bootstrapToken())) {
            long head = events(service, team, "tcp-", 20);
            await("rsyslog to hold every event", () -> StreamOrder.check(
                            syslogRecords(rsyslog), RunningService.TEAM, head)
                    .isEmpty());
            await("a checkpoint in the syslog stream", () -> syslogRecords(rsyslog).stream()
                    .anyMatch(r -> r.path("record_type").asText().equals("audit_checkpoint")));
        }
    }

    @Test
    void rsyslogOverTlsReceivesTheChainAndAnUntrustedServerIsRefused() throws Exception {
        assumeTrue(Rsyslogd.installed(), "rsyslog is installed by .ci/run");
        SelfSignedTls tls = SelfSignedTls.create(dir.resolve("tls"));
        SelfSignedTls other = SelfSignedTls.create(dir.resolve("other"));
        try (Rsyslogd rsyslog = Rsyslogd.start(dir.resolve("rsyslog"), tls)) {
            try (RunningService service = RunningService.start(
                            TestDatabase.H2,
                            fast(Map.of(
                                    "keyless.audit.stream.syslog.host",
                                    "127.0.0.1",
                                    "keyless.audit.stream.syslog.port",
                                    rsyslog.port(),
                                    "keyless.audit.stream.syslog.tls",
                                    true,
                                    "keyless.audit.stream.syslog.ca-file",
                                    other.certificate().toString())));
                    TeamSetup team = new TeamSetup(service.uri(), service.bootstrapToken())) {
                events(service, team, "mitm-", 3);
                Thread.sleep(2_000);
                assertThat(rsyslog.lines())
                        .as("nothing sent to a server the CA file does not vouch for")
                        .isEmpty();
            }
            try (RunningService service = RunningService.start(
                            TestDatabase.H2,
                            fast(Map.of(
                                    "keyless.audit.stream.syslog.host",
                                    "127.0.0.1",
                                    "keyless.audit.stream.syslog.port",
                                    rsyslog.port(),
                                    "keyless.audit.stream.syslog.tls",
                                    true,
                                    "keyless.audit.stream.syslog.ca-file",
                                    tls.certificate().toString())));
                    TeamSetup team = new TeamSetup(service.uri(), service.bootstrapToken())) {
                long head = events(service, team, "tls-", 10);
                await("rsyslog over TLS to hold every event", () -> StreamOrder.check(
                                syslogRecords(rsyslog), RunningService.TEAM, head)
                        .isEmpty());
            }
        }
    }

    @Test
    void fileSinkRotatesBySizeAndKeepsOnlyTheNewestFiles() throws Exception {
        Path file = dir.resolve("stream/audit.jsonl");
        try (RunningService service = RunningService.start(
                        TestDatabase.H2,
                        fast(Map.of(
                                "keyless.audit.stream.file.path", file.toString(),
                                "keyless.audit.stream.file.max-size", "4KB",
                                "keyless.audit.stream.file.keep", "3")));
                TeamSetup team = new TeamSetup(service.uri(), service.bootstrapToken())) {
            long head = events(service, team, "file-", 40);
            await("the file to hold the head", () -> Files.readString(file).contains("\"seq\":" + head + ","));
            assertThat(Files.exists(file.resolveSibling("audit.jsonl.3"))).isTrue();
            assertThat(Files.exists(file.resolveSibling("audit.jsonl.4")))
                    .as("keep 3")
                    .isFalse();
            List<JsonNode> kept = new ArrayList<>();
            for (String name : List.of("audit.jsonl.3", "audit.jsonl.2", "audit.jsonl.1", "audit.jsonl")) {
                Path f = file.resolveSibling(name);
                assertThat(Files.size(f)).as(name).isLessThanOrEqualTo(4096 + 7 * 2048);
                for (String line : Files.readAllLines(f)) {
                    kept.add(JSON.readTree(line));
                }
            }
            List<Long> seqs = kept.stream()
                    .filter(r -> r.path("record_type").asText().equals("audit_event"))
                    .map(r -> r.path("seq").asLong())
                    .toList();
            assertThat(seqs)
                    .as("contiguous and ascending across the rotated files")
                    .isSorted();
            assertThat(seqs.get(seqs.size() - 1) - seqs.get(0) + 1).isEqualTo(seqs.size());
            assertThat(Files.getPosixFilePermissions(file)).hasSize(2);
        }
    }

    @Test
    void fileSinkRotatesByAge() throws Exception {
        Path file = dir.resolve("aged/audit.jsonl");
        try (RunningService service = RunningService.start(
                        TestDatabase.H2,
                        fast(Map.of(
                                "keyless.audit.stream.file.path",
                                file.toString(),
                                "keyless.audit.stream.file.max-age",
                                "2s")));
                TeamSetup team = new TeamSetup(service.uri(), service.bootstrapToken())) {
            long first = events(service, team, "age-a-", 2);
            await(
                    "the first events",
                    () -> Files.exists(file) && Files.readString(file).contains("\"seq\":" + first + ","));
            Thread.sleep(2_500);
            long head = events(service, team, "age-b-", 2);
            await(
                    "a rotation by age",
                    () -> Files.exists(file.resolveSibling("audit.jsonl.1"))
                            && Files.readString(file).contains("\"seq\":" + head + ","));
        }
    }

    @Test
    void fileSinkWritesEcsDocumentsThatCarryTheWholeChain() throws Exception {
        Path file = dir.resolve("ecs/audit.jsonl");
        try (RunningService service = RunningService.start(
                        TestDatabase.H2,
                        fast(Map.of(
                                "keyless.audit.stream.file.path",
                                file.toString(),
                                "keyless.audit.stream.file.format",
                                "ecs")));
                TeamSetup team = new TeamSetup(service.uri(), service.bootstrapToken())) {
            long head = events(service, team, "ecs-", 12);
            await("the ECS file to hold every event and a checkpoint", () -> {
                List<JsonNode> records = nativeRecords(file);
                return StreamOrder.check(records, RunningService.TEAM, head).isEmpty()
                        && records.stream()
                                .anyMatch(r -> r.path("record_type").asText().equals("audit_checkpoint"));
            });
            for (String line : Files.readAllLines(file)) {
                JsonNode doc = JSON.readTree(line);
                JsonNode record = doc.path("keyless");
                assertThat(doc.at("/ecs/version").asText()).isEqualTo("8.11.0");
                assertThat(doc.at("/organization/name").asText()).isEqualTo(RunningService.TEAM);
                assertThat(doc.at("/event/sequence").asLong())
                        .isEqualTo(record.path("seq").asLong());
                if (record.path("record_type").asText().equals("audit_event")) {
                    assertThat(doc.at("/event/action").asText())
                            .isEqualTo(record.path("type").asText());
                    assertThat(doc.at("/event/outcome").asText())
                            .isEqualTo(record.path("outcome").asText());
                    assertThat(doc.path("@timestamp").asText())
                            .isEqualTo(record.path("time").asText());
                    if (record.path("type").asText().equals("server.create")) {
                        assertThat(doc.at("/user/name").asText())
                                .isEqualTo(record.path("actor_id").asText());
                        assertThat(doc.at("/event/category/0").asText()).isEqualTo("configuration");
                    }
                } else {
                    assertThat(doc.at("/event/kind").asText()).isEqualTo("state");
                }
            }
        }
    }

    @Test
    void fileSinkWritesOcsfEventsThatCarryTheWholeChain() throws Exception {
        Path file = dir.resolve("ocsf/audit.jsonl");
        try (RunningService service = RunningService.start(
                        TestDatabase.H2,
                        fast(Map.of(
                                "keyless.audit.stream.file.path",
                                file.toString(),
                                "keyless.audit.stream.file.format",
                                "ocsf")));
                TeamSetup team = new TeamSetup(service.uri(), service.bootstrapToken())) {
            long head = events(service, team, "ocsf-", 12);
            await("the OCSF file to hold every event and a checkpoint", () -> {
                List<JsonNode> records = ocsfNativeRecords(file);
                return StreamOrder.check(records, RunningService.TEAM, head).isEmpty()
                        && records.stream()
                                .anyMatch(r -> r.path("record_type").asText().equals("audit_checkpoint"));
            });
            List<JsonNode> docs = new ArrayList<>();
            for (String line : Files.readAllLines(file)) {
                docs.add(JSON.readTree(line));
            }
            AuditOcsfIT.assertValidOcsf(docs);
            for (JsonNode doc : docs) {
                JsonNode record = doc.at("/unmapped/keyless");
                assertThat(doc.at("/metadata/version").asText()).isEqualTo("1.3.0");
                assertThat(doc.at("/metadata/tenant_uid").asText()).isEqualTo(RunningService.TEAM);
                assertThat(doc.at("/metadata/sequence").asLong())
                        .isEqualTo(record.path("seq").asLong());
                assertThat(doc.path("type_uid").asInt())
                        .isEqualTo(doc.path("class_uid").asInt() * 100
                                + doc.path("activity_id").asInt());
                if (record.path("record_type").asText().equals("audit_event")) {
                    assertThat(doc.at("/metadata/event_code").asText())
                            .isEqualTo(record.path("type").asText());
                    assertThat(doc.path("status_id").asInt())
                            .isEqualTo(record.path("outcome").asText().equals("success") ? 1 : 2);
                    assertThat(doc.path("time").asLong())
                            .isEqualTo(
                                    Instant.parse(record.path("time").asText()).toEpochMilli());
                    if (record.path("type").asText().equals("server.create")) {
                        assertThat(doc.path("class_uid").asInt()).isEqualTo(6003);
                        assertThat(doc.at("/actor/user/name").asText())
                                .isEqualTo(record.path("actor_id").asText());
                    }
                } else {
                    assertThat(doc.path("class_uid").asInt()).isZero();
                }
            }
        }
    }

    static List<JsonNode> ocsfNativeRecords(Path file) throws Exception {
        List<JsonNode> out = new ArrayList<>();
        if (Files.exists(file)) {
            for (String line : Files.readAllLines(file)) {
                out.add(JSON.readTree(line).at("/unmapped/keyless"));
            }
        }
        return out;
    }

    static List<JsonNode> nativeRecords(Path file) throws Exception {
        List<JsonNode> out = new ArrayList<>();
        if (Files.exists(file)) {
            for (String line : Files.readAllLines(file)) {
                out.add(JSON.readTree(line).path("keyless"));
            }
        }
        return out;
    }

    @Test
    void webhookGetsBatchesRetriedThroughRefusalsWithoutLossOrReordering() throws Exception {
        SelfSignedTls tls = SelfSignedTls.create(dir.resolve("tls"));
        try (WebhookReceiver receiver = new WebhookReceiver(tls, TOKEN)) {
            receiver.refuseNext(4);
            try (RunningService service = RunningService.start(
                            TestDatabase.H2,
                            fast(Map.of(
                                    "keyless.audit.stream.webhook.url", receiver.url(),
                                    "keyless.audit.stream.webhook.token", TOKEN,
                                    "keyless.audit.stream.webhook.ca-file",
                                            tls.certificate().toString())));
                    TeamSetup team = new TeamSetup(service.uri(), service.bootstrapToken())) {
                long head = events(service, team, "hook-", 30);
                await("the webhook to hold every event", () -> StreamOrder.check(
                                receiver.received(), RunningService.TEAM, head)
                        .isEmpty());
                assertThat(receiver.batches()).isGreaterThan(4);
                assertThat(receiver.unauthorized()).isZero();
                await("a checkpoint", () -> receiver.received().stream()
                        .anyMatch(r -> r.path("record_type").asText().equals("audit_checkpoint")));
                JsonNode event = receiver.received().stream()
                        .filter(r -> r.path("record_type").asText().equals("audit_event"))
                        .findFirst()
                        .orElseThrow();
                assertThat(Stream.of(
                                "schema_version",
                                "team",
                                "seq",
                                "id",
                                "time",
                                "type",
                                "outcome",
                                "hash",
                                "previous_hash"))
                        .allMatch(event::has);
                // The body is stored unchained; the record carries its place from the columns.
                assertThat(event.path("seq").asLong()).isPositive();
                assertThat(event.path("previous_hash").asText()).hasSize(64);
            }
        }
    }

    @Test
    void twoReplicasStreamASinkOnceThroughItsLease() throws Exception {
        SelfSignedTls tls = SelfSignedTls.create(dir.resolve("tls"));
        try (WebhookReceiver receiver = new WebhookReceiver(tls, TOKEN);
                RunningService service = RunningService.start(
                        TestDatabase.H2,
                        fast(Map.of(
                                "keyless.audit.stream.webhook.url", receiver.url(),
                                "keyless.audit.stream.webhook.token", TOKEN,
                                "keyless.audit.stream.webhook.ca-file",
                                        tls.certificate().toString())));
                TeamSetup team = new TeamSetup(service.uri(), service.bootstrapToken())) {
            io.micronaut.runtime.server.EmbeddedServer replica = service.replica();
            try {
                dev.keyless.testkit.service.Api viaReplica = new dev.keyless.testkit.service.Api(replica.getURI());
                long head;
                for (int i = 0; i < 10; i++) {
                    team.server("one-" + i, 22, Map.of());
                    assertThat(viaReplica
                                    .post(
                                            TeamSetup.T + "/servers",
                                            team.security,
                                            Map.of(
                                                    "name",
                                                    "two-" + i,
                                                    "address",
                                                    "two-" + i,
                                                    "port",
                                                    22,
                                                    "labels",
                                                    Map.of()))
                                    .status())
                            .isEqualTo(201);
                }
                head = events(service, team, "last-", 1);
                long expected = head;
                await("the webhook to hold every event", () -> StreamOrder.check(
                                receiver.received(), RunningService.TEAM, expected)
                        .isEmpty());
                Thread.sleep(1_000);
                assertThat(StreamOrder.duplicates(receiver.received(), RunningService.TEAM))
                        .as("one holder: no event sent twice while nothing failed")
                        .isZero();
            } finally {
                replica.close();
            }
        }
    }
}

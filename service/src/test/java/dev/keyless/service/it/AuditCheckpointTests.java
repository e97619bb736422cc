package dev.keyless.service.it;

import static dev.keyless.testkit.service.TeamSetup.T;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keyless.protocol.AuditRequests.AuditEvent;
import dev.keyless.service.db.Json;
import dev.keyless.testkit.service.Api;
import dev.keyless.testkit.service.TeamSetup;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Checkpoints anchor the chain outside the database: an attacker who can write the database
 * rewrites an event and recomputes the whole chain, or deletes the tail and moves the head back —
 * {@code GET audit/verify} (the database alone) still says intact, {@code POST audit/verify} with
 * the checkpoint file says where history changed. Run once per database by the subclasses.
 */
abstract class AuditCheckpointTests {
    static final ObjectMapper JSON = new ObjectMapper();
    RunningService service;
    TeamSetup team;
    Api api;

    abstract TestDatabase database();

    @BeforeEach
    void start() throws Exception {
        service = RunningService.start(database(), Map.of("keyless.audit.checkpoint.interval", "1s"));
        team = new TeamSetup(service.uri(), service.bootstrapToken());
        api = team.api;
        for (int i = 0; i < 6; i++) {
            team.server("srv-" + i, 22, Map.of("n", Integer.toString(i)));
        }
    }

    @AfterEach
    void stop() throws Exception {
        if (team != null) {
            team.close();
        }
        if (service != null) {
            service.close();
        }
    }

    long headSeq() {
        JsonNode v = api.get(T + "/audit/verify", team.auditor).json();
        return v.path("events_checked").asLong();
    }

    /** The checkpoint file once it holds a checkpoint of the current head, copied out of the data dir. */
    List<JsonNode> checkpointsOfHead() throws Exception {
        long head = headSeq();
        Path file = service.dataDir().resolve("audit-checkpoints.jsonl");
        Instant deadline = Instant.now().plus(Duration.ofSeconds(20));
        while (Instant.now().isBefore(deadline)) {
            List<JsonNode> ours = lines(file, cp -> cp.path("team").asText().equals(RunningService.TEAM));
            if (ours.stream().anyMatch(cp -> cp.path("seq").asLong() == head)) {
                return ours;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("no checkpoint of seq " + head + " in " + file);
    }

    static List<JsonNode> lines(Path file, Predicate<JsonNode> keep) throws Exception {
        List<JsonNode> out = new ArrayList<>();
        if (Files.exists(file)) {
            for (String line : Files.readAllLines(file)) {
                JsonNode n = JSON.readTree(line);
                if (keep.test(n)) {
                    out.add(n);
                }
            }
        }
        return out;
    }

    JsonNode verifyAgainst(List<JsonNode> checkpoints) {
        List<JsonNode> last = checkpoints.subList(Math.max(0, checkpoints.size() - 100), checkpoints.size());
        Api.Response r = api.post(T + "/audit/verify", team.auditor, Map.of("checkpoints", last));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json();
    }

    @Test
    void rewrittenEventWithTheWholeChainRecomputedIsFoundByTheCheckpoints() throws Exception {
        List<JsonNode> checkpoints = checkpointsOfHead();
        assertThat(verifyAgainst(checkpoints).path("valid").asBoolean()).isTrue();

        try (Connection c = service.jdbc()) {
            rewriteFrom(c, 3);
        }
        JsonNode dbOnly = api.get(T + "/audit/verify", team.auditor).json();
        assertThat(dbOnly.path("valid").asBoolean())
                .as("the attack fools the database-only check")
                .isTrue();

        JsonNode v = verifyAgainst(checkpoints);
        assertThat(v.path("valid").asBoolean()).as(v.toString()).isFalse();
        assertThat(v.path("detail").asText()).contains("rewritten");
    }

    @Test
    void aSignerRestartedOverARewrittenHistoryRefusesToSignOverIt() throws Exception {
        checkpointsOfHead();
        long head = headSeq();
        Path file = service.dataDir().resolve("audit-checkpoints.jsonl");
        service.restart(() -> {
            try (Connection c = service.jdbc()) {
                rewriteFrom(c, 3);
            }
        });
        Instant restarted = Instant.now();
        // the admins and their tokens are in the database; only the address changed
        api = new Api(service.uri());
        Api.Response created = api.post(
                T + "/servers",
                team.security,
                Map.of("name", "after-restart", "address", "after-restart", "port", 22, "labels", Map.of()));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        Thread.sleep(3_500); // three checkpoint intervals

        List<JsonNode> signedAfter = lines(
                file,
                cp -> cp.path("team").asText().equals(RunningService.TEAM)
                        && Instant.parse(cp.path("signed_at").asText()).isAfter(restarted));
        assertThat(signedAfter)
                .as("no checkpoint signed over the rewritten history after the restart")
                .isEmpty();
        double refused = service.context()
                .getBean(io.micrometer.core.instrument.MeterRegistry.class)
                .counter("keyless.audit.checkpoint.refused", "team", RunningService.TEAM)
                .count();
        assertThat(refused).as("each refused pass is counted").isGreaterThanOrEqualTo(2);
        assertThat(headSeq()).isGreaterThan(head);
    }

    @Test
    void deletedTailIsFoundByTheCheckpoints() throws Exception {
        List<JsonNode> checkpoints = checkpointsOfHead();
        long head = headSeq();
        try (Connection c = service.jdbc()) {
            truncateTo(c, head - 2);
        }
        assertThat(api.get(T + "/audit/verify", team.auditor)
                        .json()
                        .path("valid")
                        .asBoolean())
                .as("the attack fools the database-only check")
                .isTrue();

        JsonNode v = verifyAgainst(checkpoints);
        assertThat(v.path("valid").asBoolean()).as(v.toString()).isFalse();
        assertThat(v.path("detail").asText()).contains("truncated");
        assertThat(v.path("first_broken_seq").asLong()).isEqualTo(head - 1);
    }

    @Test
    void aForgedCheckpointIsNotTrusted() throws Exception {
        List<JsonNode> checkpoints = checkpointsOfHead();
        ObjectNode forged = (ObjectNode) checkpoints.get(checkpoints.size() - 1).deepCopy();
        forged.put("head_hash", "0".repeat(64));
        JsonNode v = verifyAgainst(List.of(forged));
        assertThat(v.path("valid").asBoolean()).isFalse();
        assertThat(v.path("detail").asText()).contains("not signed by a trusted checkpoint key");

        ObjectNode garbled = (ObjectNode) checkpoints.get(0).deepCopy();
        garbled.put("signature", "!!not base64!!");
        assertThat(verifyAgainst(List.of(garbled)).path("valid").asBoolean()).isFalse();
    }

    @Test
    void theSigningKeyIsPublishedAndNotInTheDatabase() throws Exception {
        JsonNode key = api.get("/v1/audit/checkpoint-key", null).json();
        assertThat(key.path("algorithm").asText()).isEqualTo("Ed25519");
        List<JsonNode> checkpoints = checkpointsOfHead();
        assertThat(checkpoints)
                .allMatch(cp ->
                        cp.path("key_id").asText().equals(key.path("key_id").asText()));
        String seed = Files.readString(service.dataDir().resolve("audit-checkpoint.key"))
                .strip();
        try (Connection c = service.jdbc();
                PreparedStatement ps = c.prepareStatement("SELECT body FROM audit_checkpoint");
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                assertThat(rs.getString(1)).doesNotContain(seed);
            }
        }
    }

    @Test
    void hostileCheckpointRequestsAreRefusedWith400() throws Exception {
        JsonNode good = checkpointsOfHead().get(0);
        List<Object> bodies = new ArrayList<>();
        bodies.add(Map.of("checkpoints", List.of()));
        List<JsonNode> many = new ArrayList<>();
        for (int i = 0; i < 101; i++) {
            many.add(good);
        }
        bodies.add(Map.of("checkpoints", many));
        bodies.add(Map.of("checkpoints", List.of(((ObjectNode) good.deepCopy()).put("team", "other"))));
        bodies.add(Map.of("checkpoints", List.of(((ObjectNode) good.deepCopy()).put("seq", -1))));
        bodies.add(Map.of("checkpoints", List.of(((ObjectNode) good.deepCopy()).put("head_hash", "a".repeat(65)))));
        bodies.add(Map.of("checkpoints", List.of(((ObjectNode) good.deepCopy()).put("signed_at", "tomorrow"))));
        bodies.add(Map.of("checkpoints", List.of(((ObjectNode) good.deepCopy()).put("extra", 1))));
        bodies.add(Map.of("checkpoints", List.of(((ObjectNode) good.deepCopy()).remove("signature"))));
        bodies.add(Map.of("checkpoints", List.of(((ObjectNode) good.deepCopy()).put("record_type", "audit_event"))));
        for (Object body : bodies) {
            Api.Response r = api.post(T + "/audit/verify", team.auditor, body);
            assertThat(r.status()).as(r.body()).isEqualTo(400);
        }
        assertThat(api.post(T + "/audit/verify", team.devops, Map.of("checkpoints", List.of(good)))
                        .status())
                .isEqualTo(403);
    }

    /** What an attacker with database write access does: edit event {@code from}, re-link everything after. */
    static void rewriteFrom(Connection c, long from) throws Exception {
        String previous;
        try (PreparedStatement ps = c.prepareStatement("SELECT hash FROM audit_event WHERE team = ? AND seq = ?")) {
            ps.setString(1, RunningService.TEAM);
            ps.setLong(2, from - 1);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                previous = rs.getString(1);
            }
        }
        // The body is stored as recorded and the place in the chain in the columns; the attacker
        // recomputes what the service hashes: the body placed at its seq after its previous hash.
        List<AuditEvent> tail = new ArrayList<>();
        List<Long> seqs = new ArrayList<>();
        try (PreparedStatement ps =
                c.prepareStatement("SELECT seq, body FROM audit_event WHERE team = ? AND seq >= ? ORDER BY seq")) {
            ps.setString(1, RunningService.TEAM);
            ps.setLong(2, from);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    seqs.add(rs.getLong(1));
                    tail.add(Json.read(rs.getString(2), AuditEvent.class));
                }
            }
        }
        boolean first = true;
        for (int i = 0; i < tail.size(); i++) {
            AuditEvent e = tail.get(i);
            long seq = seqs.get(i);
            AuditEvent changed = new AuditEvent(
                    seq,
                    e.id(),
                    e.time(),
                    e.type(),
                    e.outcome(),
                    e.actorType(),
                    first ? "someone-else" : e.actorId(),
                    e.team(),
                    e.connection(),
                    e.role(),
                    e.subject(),
                    e.claims(),
                    e.clientIp(),
                    e.tokenId(),
                    e.tokenTtlSeconds(),
                    e.server(),
                    e.sessionId(),
                    e.serial(),
                    e.reason(),
                    e.details(),
                    previous,
                    null);
            first = false;
            String body = Json.write(changed);
            String hash = sha256(previous + "\n" + body);
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE audit_event SET body = ?, prev_hash = ?, hash = ? WHERE team = ? AND seq = ?")) {
                ps.setString(1, body);
                ps.setString(2, previous);
                ps.setString(3, hash);
                ps.setString(4, RunningService.TEAM);
                ps.setLong(5, seq);
                ps.executeUpdate();
            }
            previous = hash;
        }
        try (PreparedStatement ps = c.prepareStatement("UPDATE audit_head SET hash = ? WHERE team = ?")) {
            ps.setString(1, previous);
            ps.setString(2, RunningService.TEAM);
            ps.executeUpdate();
        }
    }

    static void truncateTo(Connection c, long keep) throws Exception {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM audit_event WHERE team = ? AND seq > ?")) {
            ps.setString(1, RunningService.TEAM);
            ps.setLong(2, keep);
            ps.executeUpdate();
        }
        try (PreparedStatement ps = c.prepareStatement("UPDATE audit_head SET seq = ?, hash ="
                + " (SELECT hash FROM audit_event WHERE team = ? AND seq = ?) WHERE team = ?")) {
            ps.setLong(1, keep);
            ps.setString(2, RunningService.TEAM);
            ps.setLong(3, keep);
            ps.setString(4, RunningService.TEAM);
            ps.executeUpdate();
        }
    }

    static String sha256(String s) throws Exception {
        return HexFormat.of()
                .formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    }
}

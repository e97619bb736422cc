package dev.keyless.cli.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ArrayNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointFileTest {
    @TempDir
    Path dir;

    static String checkpoint(String team, int seq, String hash) {
        return "{\"head_hash\":\"" + hash
                + "\",\"key_id\":\"k\",\"public_key\":\"p\",\"record_type\":\"audit_checkpoint\","
                + "\"schema_version\":1,\"seq\":" + seq + ",\"signature\":\"s\",\"signed_at\":\"2026-01-31T12:00:00Z\","
                + "\"team\":\"" + team + "\"}";
    }

    @Test
    void readsCheckpointsFromNativeAndEcsLinesAndSkipsEventsAndOtherTeams() throws Exception {
        Path file = dir.resolve("audit.jsonl");
        Files.write(
                file,
                List.of(
                        "{\"record_type\":\"audit_event\",\"team\":\"acme\",\"seq\":1}",
                        checkpoint("acme", 1, "h1"),
                        "{\"ecs\":{\"version\":\"8.11.0\"},\"event\":{\"kind\":\"state\"},\"keyless\":"
                                + checkpoint("acme", 2, "h2") + "}",
                        "{\"ecs\":{\"version\":\"8.11.0\"},\"keyless\":" + checkpoint("acme", 1, "h1") + "}",
                        "{\"ecs\":{\"version\":\"8.11.0\"},\"keyless\":"
                                + "{\"record_type\":\"audit_event\",\"team\":\"acme\",\"seq\":2}}",
                        checkpoint("other", 3, "h3")));
        List<ArrayNode> chunks = CheckpointFile.chunks(file, "acme");
        assertThat(chunks).hasSize(1);
        assertThat(chunks.get(0)).hasSize(2);
        assertThat(chunks.get(0).get(0).path("seq").asInt()).isEqualTo(1);
        assertThat(chunks.get(0).get(1).path("seq").asInt()).isEqualTo(2);
        assertThat(chunks.get(0).get(1).has("ecs"))
                .as("the native record, not the ECS document")
                .isFalse();
    }

    @Test
    void readsCheckpointsFromOcsfLines() throws Exception {
        Path file = dir.resolve("audit-ocsf.jsonl");
        Files.write(
                file,
                List.of(
                        "{\"class_uid\":3002,\"unmapped\":{\"keyless\":"
                                + "{\"record_type\":\"audit_event\",\"team\":\"acme\",\"seq\":1}}}",
                        "{\"class_uid\":0,\"metadata\":{\"version\":\"1.3.0\"},\"unmapped\":{\"keyless\":"
                                + checkpoint("acme", 1, "h1") + "}}",
                        "{\"class_uid\":0,\"unmapped\":{\"keyless\":" + checkpoint("acme", 4, "h4") + "}}"));
        List<ArrayNode> chunks = CheckpointFile.chunks(file, "acme");
        assertThat(chunks).hasSize(1);
        assertThat(chunks.get(0)).hasSize(2);
        assertThat(chunks.get(0).get(1).path("seq").asInt()).isEqualTo(4);
        assertThat(chunks.get(0).get(0).has("class_uid"))
                .as("the native record, not the OCSF event")
                .isFalse();
    }
}

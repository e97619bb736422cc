package dev.keyless.cli.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keyless.client.Json;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The checkpoints of one team in a file kept outside the database: the service's checkpoint file,
 * or a stream's JSON lines, native, ECS (whose {@code keyless} object is the native record) or
 * OCSF (whose {@code unmapped.keyless} is); events are skipped. One per distinct (seq, head hash), since a hash
 * at a seq stands for the whole history up to it; in request-sized chunks.
 */
final class CheckpointFile {
    static final int CHUNK = 100;

    private CheckpointFile() {}

    static List<ArrayNode> chunks(Path file, String team) {
        List<ArrayNode> chunks = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        ArrayNode chunk = JsonNodeFactory.instance.arrayNode();
        int lineNo = 0;
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                lineNo++;
                if (line.isBlank()) {
                    continue;
                }
                JsonNode node;
                try {
                    node = Json.mapper().readTree(line);
                } catch (IOException e) {
                    throw new IllegalArgumentException(file + " line " + lineNo + " is not JSON");
                }
                if (node.path("keyless").isObject() && node.has("ecs")) {
                    node = node.get("keyless");
                } else if (node.at("/unmapped/keyless").isObject() && node.has("class_uid")) {
                    node = node.at("/unmapped/keyless");
                }
                if (!isCheckpoint(node) || !team.equals(node.path("team").asText())) {
                    continue;
                }
                if (seen.add(
                        node.path("seq").asText() + "/" + node.path("head_hash").asText())) {
                    chunk.add((ObjectNode) node);
                    if (chunk.size() == CHUNK) {
                        chunks.add(chunk);
                        chunk = JsonNodeFactory.instance.arrayNode();
                    }
                }
            }
        } catch (IOException e) {
            throw new IllegalArgumentException(
                    "cannot read " + file + ": " + e.getClass().getSimpleName(), e);
        }
        if (!chunk.isEmpty()) {
            chunks.add(chunk);
        }
        return chunks;
    }

    private static boolean isCheckpoint(JsonNode node) {
        return node.isObject()
                && node.path("record_type").asText("audit_checkpoint").equals("audit_checkpoint")
                && node.has("signature")
                && node.has("head_hash");
    }
}

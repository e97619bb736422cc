package dev.keyless.cli.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reads a request body or a team file: YAML or JSON (JSON is YAML), at most 1 MiB. */
final class SpecFiles {
    static final YAMLMapper YAML = new YAMLMapper();
    private static final long MAX_BYTES = 1 << 20;

    private SpecFiles() {}

    static JsonNode read(Path file) {
        try {
            if (Files.size(file) > MAX_BYTES) {
                throw new IllegalArgumentException(file + " is larger than 1 MiB");
            }
            JsonNode node = YAML.readTree(file.toFile());
            if (node == null || !node.isObject()) {
                throw new IllegalArgumentException(file + " must hold one JSON or YAML object");
            }
            return node;
        } catch (IOException e) {
            // The parser's message may quote the file's content; only say where it failed.
            throw new IllegalArgumentException(
                    "cannot read " + file + " as YAML or JSON (" + e.getClass().getSimpleName() + ")", e);
        }
    }
}

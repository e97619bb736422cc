package dev.keyless.service.audit.stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SchemaRegistryConfig;
import com.networknt.schema.SpecificationVersion;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * OCSF 1.3.0 as a JSON Schema (draft 2020-12), for the classes Keyless emits: {@code
 * ocsf/ocsf-1.3.0-keyless.schema.json} in the test resources, transcribed from the spec (its
 * {@code $comment} names the pages), checked with networknt's json-schema-validator, formats
 * (the ip_t addresses) asserted. No official machine-readable schema is served by Maven Central
 * or npm, so this is the outside check the mapping is held to besides {@link OcsfRecordsTest}'s
 * expectations. Thread-safe.
 */
public final class OcsfSchema {
    private static final Schema SCHEMA = load();

    private OcsfSchema() {}

    private static Schema load() {
        SchemaRegistry registry = SchemaRegistry.withDefaultDialect(
                SpecificationVersion.DRAFT_2020_12,
                b -> b.schemaRegistryConfig(SchemaRegistryConfig.builder()
                        .formatAssertionsEnabled(true)
                        .build()));
        try (InputStream in = OcsfSchema.class.getResourceAsStream("/ocsf/ocsf-1.3.0-keyless.schema.json")) {
            if (in == null) {
                throw new IllegalStateException("ocsf/ocsf-1.3.0-keyless.schema.json is not on the test classpath");
            }
            return registry.getSchema(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** What the event breaks, one line per error (instance path: message); empty when it validates. */
    public static List<String> problems(JsonNode event) {
        return SCHEMA.validate(event).stream().map(OcsfSchema::line).toList();
    }

    private static String line(Error e) {
        return e.getInstanceLocation() + " " + e.getKeyword() + ": " + e.getMessage();
    }
}

package dev.keyless.service.audit.stream;

import static dev.keyless.service.audit.stream.RecordFields.putIfPresent;
import static dev.keyless.service.audit.stream.RecordFields.putObject;
import static dev.keyless.service.audit.stream.RecordFields.text;

import dev.keyless.service.db.Json;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The stream record as an Elastic Common Schema document ({@code format: ecs}): the ECS fields a
 * SIEM indexes and correlates on ({@code @timestamp}, {@code event.*}, {@code user.*}, {@code
 * source.ip}, {@code host.name}, {@code organization.name}, {@code related.*}) and, under {@code
 * keyless}, the native record unchanged — so the chain can still be checked from the document and
 * {@code keyless admin audit verify --checkpoints} reads an ECS file. The mapping is versioned by
 * {@code labels.keyless_ecs_mapping} (documented in service/README.md, "ECS output"). Pure.
 */
final class EcsRecords {
    /** The ECS release whose field set this mapping follows. */
    static final String ECS_VERSION = "8.11.0";

    /** Bumped when an ECS field of this mapping changes meaning or goes away. */
    static final String MAPPING_VERSION = "1";

    private static final BigDecimal NANOS = BigDecimal.valueOf(1_000_000_000L);

    private EcsRecords() {}

    static String document(StreamItem item) {
        Map<String, Object> record = Json.readMap(item.json());
        Map<String, Object> doc = new TreeMap<>();
        doc.put("ecs", Map.of("version", ECS_VERSION));
        doc.put("labels", Map.of("keyless_ecs_mapping", MAPPING_VERSION));
        doc.put("organization", Map.of("name", item.team()));
        doc.put("keyless", record);
        if (StreamRecords.CHECKPOINT.equals(item.kind())) {
            doc.put("@timestamp", text(record.get("signed_at")));
            doc.put("event", checkpointEvent(item, record));
        } else {
            doc.put("@timestamp", text(record.get("time")));
            doc.put("event", event(item, record));
            putActor(doc, record);
            putObject(doc, "source", "ip", record.get("client_ip"));
            putObject(doc, "host", "name", record.get("server"));
            Map<String, Object> related = related(doc);
            if (!related.isEmpty()) {
                doc.put("related", related);
            }
        }
        return Json.write(doc);
    }

    private static Map<String, Object> event(StreamItem item, Map<String, Object> record) {
        Map<String, Object> event = base(item);
        EcsCategories.Category c = EcsCategories.of(item.type());
        event.put("kind", "event");
        event.put("category", c.categories());
        event.put("type", c.types());
        event.put("outcome", item.outcome());
        putIfPresent(event, "id", record.get("id"));
        putIfPresent(event, "reason", record.get("reason"));
        putIfPresent(event, "hash", record.get("hash"));
        if (record.get("details") instanceof Map<?, ?> details && details.get("duration_seconds") != null) {
            try {
                event.put(
                        "duration",
                        new BigDecimal(String.valueOf(details.get("duration_seconds")))
                                .multiply(NANOS)
                                .longValueExact());
            } catch (ArithmeticException | NumberFormatException e) {
                // not a number of seconds: left in keyless.details only
            }
        }
        return event;
    }

    private static Map<String, Object> checkpointEvent(StreamItem item, Map<String, Object> record) {
        Map<String, Object> event = base(item);
        event.put("kind", "state");
        event.put("type", List.of("info"));
        event.put("outcome", "success");
        putIfPresent(event, "hash", record.get("head_hash"));
        return event;
    }

    private static Map<String, Object> base(StreamItem item) {
        Map<String, Object> event = new TreeMap<>();
        event.put("action", item.type());
        event.put("module", "keyless");
        event.put("dataset", "keyless.audit");
        event.put("sequence", item.seq());
        return event;
    }

    /**
     * {@code user.*} is who acted: an admin by name; a workload by its platform {@code sub} as
     * {@code user.id}, its run's {@code actor} claim (the person who started the pipeline) as
     * {@code user.name} where the platform sends one, and its role. Agents and the system are no
     * user: they stay in {@code keyless.actor_*}.
     */
    private static void putActor(Map<String, Object> doc, Map<String, Object> record) {
        Map<String, Object> user = new TreeMap<>();
        String actorType = text(record.get("actor_type"));
        String actorId = text(record.get("actor_id"));
        if ("admin".equals(actorType) && actorId != null) {
            user.put("name", actorId);
        } else if ("workload".equals(actorType) || record.get("subject") != null) {
            String subject = text(record.get("subject"));
            putIfPresent(user, "id", subject != null ? subject : actorId);
            if (record.get("claims") instanceof Map<?, ?> claims) {
                putIfPresent(user, "name", claims.get("actor"));
            }
        }
        if (text(record.get("role")) != null) {
            user.put("roles", List.of(text(record.get("role"))));
        }
        if (!user.isEmpty()) {
            doc.put("user", user);
        }
    }

    private static Map<String, Object> related(Map<String, Object> doc) {
        Map<String, Object> related = new TreeMap<>();
        List<String> users = new ArrayList<>();
        if (doc.get("user") instanceof Map<?, ?> user) {
            for (String k : List.of("name", "id")) {
                String v = text(user.get(k));
                if (v != null && !users.contains(v)) {
                    users.add(v);
                }
            }
        }
        if (!users.isEmpty()) {
            related.put("user", users);
        }
        if (doc.get("source") instanceof Map<?, ?> source) {
            related.put("ip", List.of(text(source.get("ip"))));
        }
        if (doc.get("host") instanceof Map<?, ?> host) {
            related.put("hosts", List.of(text(host.get("name"))));
        }
        return related;
    }
}

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
 * The stream record as an OCSF 1.3 event ({@code format: ocsf}): class, activity and type ids
 * ({@link OcsfClasses}), {@code time}, status and severity, {@code metadata} (schema version,
 * product, event id, chain seq, team as tenant, mapping version as a label), {@code actor},
 * the target {@code user} of authentication and account events, {@code src_endpoint}, {@code
 * dst_endpoint} or the {@code device} (host profile), {@code session}, {@code privileges}, {@code
 * api}, {@code duration} — and, under {@code unmapped.keyless}, the native record unchanged, so the
 * chain can still be recomputed from the event and {@code keyless admin audit verify
 * --checkpoints} reads an OCSF file. Each class carries only the attributes OCSF 1.3.0 defines for
 * it, and what it requires (the test suite's OcsfSchema holds every event to that). Documented in
 * service/README.md ("OCSF output"). Pure.
 */
final class OcsfRecords {
    /** The OCSF schema release whose classes and attributes this mapping follows. */
    static final String OCSF_VERSION = "1.3.0";

    /**
     * Bumped when an OCSF attribute of this mapping changes meaning or goes away. 2: the server is
     * {@code dst_endpoint.name} (its Keyless name is no DNS host name), and the {@code device} of
     * Account Change and Authorize Session, which OCSF 1.3.0 gives no {@code dst_endpoint}.
     */
    static final String MAPPING_VERSION = "2";

    private static final BigDecimal MILLIS = BigDecimal.valueOf(1000);

    private OcsfRecords() {}

    static String document(StreamItem item) {
        Map<String, Object> record = Json.readMap(item.json());
        boolean checkpoint = StreamRecords.CHECKPOINT.equals(item.kind());
        OcsfClasses.OcsfClass c = checkpoint ? OcsfClasses.CHECKPOINT : OcsfClasses.of(item.type());
        boolean success = "success".equals(item.outcome());
        Map<String, Object> doc = new TreeMap<>();
        doc.put("category_uid", c.categoryUid());
        doc.put("category_name", c.categoryName());
        doc.put("class_uid", c.classUid());
        doc.put("class_name", c.className());
        doc.put("activity_id", c.activityId());
        doc.put("activity_name", checkpoint ? item.type() : c.activityName());
        doc.put("type_uid", c.typeUid());
        doc.put("type_name", c.className() + ": " + c.activityName());
        doc.put("time", item.time().toEpochMilli());
        doc.put("status_id", success ? 1 : 2);
        doc.put("status", success ? "Success" : "Failure");
        // a refusal is worth a look (Medium); everything else is a record of what happened
        doc.put("severity_id", success ? 1 : 3);
        doc.put("severity", success ? "Informational" : "Medium");
        Map<String, Object> metadata = metadata(item, record);
        doc.put("metadata", metadata);
        doc.put("unmapped", Map.of("keyless", record));
        if (!checkpoint) {
            putIfPresent(doc, "status_detail", record.get("reason"));
            putActor(doc, record);
            if (OcsfClasses.hasTargetUser(c)) {
                putTargetUser(doc, record);
            }
            putObject(doc, "src_endpoint", "ip", record.get("client_ip"));
            putServer(doc, c, record);
            putSession(doc, c, record);
            if (c.classUid() == 3003) {
                // OCSF: exactly one of privileges or group; the session's grants are its role's
                String role = text(record.get("role"));
                doc.put("privileges", role == null ? List.of() : List.of(role));
            }
            if (c.classUid() == 6003) {
                // OCSF requires the source of an API call; events without the caller's address (the
                // service's own, and admin events recorded before they carried it) get a placeholder
                doc.putIfAbsent("src_endpoint", Map.of("name", "unknown"));
                doc.put("api", Map.of("operation", item.type(), "service", Map.of("name", "keyless")));
                List<Map<String, Object>> resources = resources(record);
                if (!resources.isEmpty()) {
                    doc.put("resources", resources);
                }
            } else if (c.classUid() == 3002) {
                doc.put(
                        "service",
                        Map.of(
                                "name",
                                item.type().startsWith("server.ssh")
                                                || item.type().startsWith("ssh.")
                                        ? "ssh"
                                        : "keyless"));
            }
            putDuration(doc, record);
            if (doc.containsKey("device") || (c.classUid() == 3003 && doc.containsKey("actor"))) {
                // device, and the actor of Authorize Session, belong to OCSF's host profile
                metadata.put("profiles", List.of("host"));
            }
        }
        return Json.write(doc);
    }

    /**
     * The server: the destination of an authentication or API call ({@code dst_endpoint.name}: a
     * Keyless server name, which need not be a DNS host name); for Account Change and Authorize
     * Session, which have no destination, the device the agent acted on, under OCSF's host profile.
     */
    private static void putServer(Map<String, Object> doc, OcsfClasses.OcsfClass c, Map<String, Object> record) {
        if (OcsfClasses.onTheHost(c)) {
            String server = text(record.get("server"));
            if (server != null) {
                doc.put("device", Map.of("name", server, "type_id", 1, "type", "Server"));
            }
        } else {
            putObject(doc, "dst_endpoint", "name", record.get("server"));
        }
    }

    /** Account Change has no session in OCSF 1.3.0: its session id stays in {@code unmapped.keyless}. */
    private static void putSession(Map<String, Object> doc, OcsfClasses.OcsfClass c, Map<String, Object> record) {
        String session = text(record.get("session_id"));
        if (session == null || c.classUid() == 3001) {
            return;
        }
        if (c.classUid() == 6003) {
            // API Activity has no session of its own: the caller's session
            @SuppressWarnings("unchecked")
            Map<String, Object> actor = (Map<String, Object>) doc.computeIfAbsent("actor", k -> new TreeMap<>());
            actor.put("session", Map.of("uid", session));
        } else {
            doc.put("session", Map.of("uid", session));
        }
    }

    private static Map<String, Object> metadata(StreamItem item, Map<String, Object> record) {
        Map<String, Object> m = new TreeMap<>();
        m.put("version", OCSF_VERSION);
        m.put("product", Map.of("name", "Keyless", "vendor_name", "Keyless"));
        m.put("log_name", "keyless.audit");
        m.put("event_code", item.type());
        m.put("sequence", item.seq());
        m.put("tenant_uid", item.team());
        m.put("labels", List.of("keyless_ocsf_mapping:" + MAPPING_VERSION));
        putIfPresent(m, "uid", record.get("id"));
        return m;
    }

    /**
     * Who acted: an admin ({@code type_id} 2) by name; a workload (Other, "Workload") by its
     * platform {@code sub}, with its run's {@code actor} claim as the name where the platform sends
     * one; the host agent and the service itself as apps, since they are no user.
     */
    private static void putActor(Map<String, Object> doc, Map<String, Object> record) {
        String actorType = text(record.get("actor_type"));
        String actorId = text(record.get("actor_id"));
        Map<String, Object> actor = new TreeMap<>();
        if ("admin".equals(actorType) && actorId != null) {
            actor.put("user", user(actorId, null, 2, "Admin"));
        } else if ("workload".equals(actorType)) {
            Map<String, Object> workload = workloadUser(record, actorId);
            if (workload != null) {
                actor.put("user", workload);
            }
        } else if ("agent".equals(actorType)) {
            actor.put("app_name", "keyless-host-agent");
            putIfPresent(actor, "app_uid", actorId);
        } else if ("system".equals(actorType)) {
            actor.put("app_name", "keyless");
            putIfPresent(actor, "app_uid", actorId);
        }
        if (text(record.get("role")) != null) {
            actor.put("authorizations", List.of(Map.of("policy", Map.of("name", text(record.get("role"))))));
        }
        if (!actor.isEmpty()) {
            doc.put("actor", actor);
        }
    }

    /**
     * The account the authentication or account change is about: the server account ({@code
     * details.user}), the admin created ({@code details.admin}), else the workload or admin that
     * acted.
     */
    private static void putTargetUser(Map<String, Object> doc, Map<String, Object> record) {
        Map<?, ?> details = record.get("details") instanceof Map<?, ?> d ? d : Map.of();
        String actorType = text(record.get("actor_type"));
        Map<String, Object> user = null;
        if (text(details.get("user")) != null) {
            user = user(text(details.get("user")), null, 1, "User");
        } else if (text(details.get("admin")) != null) {
            user = user(text(details.get("admin")), null, 2, "Admin");
        } else if ("workload".equals(actorType) || record.get("subject") != null) {
            user = workloadUser(record, text(record.get("actor_id")));
        } else if ("admin".equals(actorType) && text(record.get("actor_id")) != null) {
            user = user(text(record.get("actor_id")), null, 2, "Admin");
        }
        if (user != null) {
            doc.put("user", user);
        }
    }

    /** The workload, or null when the record names it neither way (OCSF's user needs a name or uid). */
    private static Map<String, Object> workloadUser(Map<String, Object> record, String actorId) {
        String subject = text(record.get("subject"));
        Object name = record.get("claims") instanceof Map<?, ?> claims ? claims.get("actor") : null;
        if (text(name) == null && subject == null && actorId == null) {
            return null;
        }
        return user(text(name), subject != null ? subject : actorId, 99, "Workload");
    }

    private static Map<String, Object> user(String name, String uid, int typeId, String type) {
        Map<String, Object> user = new TreeMap<>();
        putIfPresent(user, "name", name);
        putIfPresent(user, "uid", uid);
        user.put("type_id", typeId);
        user.put("type", type);
        return user;
    }

    private static List<Map<String, Object>> resources(Map<String, Object> record) {
        List<Map<String, Object>> resources = new ArrayList<>();
        for (String field : List.of("connection", "role", "server")) {
            String v = text(record.get(field));
            if (v != null) {
                resources.add(Map.of("type", field, "name", v));
            }
        }
        return resources;
    }

    private static void putDuration(Map<String, Object> doc, Map<String, Object> record) {
        if (record.get("details") instanceof Map<?, ?> details && details.get("duration_seconds") != null) {
            try {
                doc.put(
                        "duration",
                        new BigDecimal(String.valueOf(details.get("duration_seconds")))
                                .multiply(MILLIS)
                                .longValueExact());
            } catch (ArithmeticException | NumberFormatException e) {
                // not a whole number of milliseconds: left in unmapped.keyless.details only
            }
        }
    }
}

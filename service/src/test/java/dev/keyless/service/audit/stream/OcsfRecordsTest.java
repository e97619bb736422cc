package dev.keyless.service.audit.stream;

import static dev.keyless.service.audit.stream.EcsRecordsTest.TIME;
import static dev.keyless.service.audit.stream.EcsRecordsTest.body;
import static dev.keyless.service.audit.stream.EcsRecordsTest.withFailure;
import static dev.keyless.service.audit.stream.EcsRecordsTest.workload;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.keyless.service.db.Json;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The OCSF mapping, one case per kind of event (bodies as the service records them, shared with
 * {@link EcsRecordsTest}); expectations are JSON pointers with their JSON values. Every event keeps
 * the native record, unchanged, under {@code unmapped.keyless}, and its type_uid is class × 100 +
 * activity, as OCSF defines it.
 */
class OcsfRecordsTest {
    static final ObjectMapper JSON = new ObjectMapper();

    static Stream<Arguments> events() {
        return Stream.of(
                Arguments.of(
                        "token exchange: Authentication, Logon, the workload is actor and user",
                        workload("workload.authenticate", "token_id", "jti-1", "token_ttl_seconds", 300),
                        Map.of(
                                "/class_uid", "3002",
                                "/category_uid", "3",
                                "/activity_id", "1",
                                "/type_uid", "300201",
                                "/user",
                                        "{\"name\":\"octocat\",\"uid\":\"repo:acme/app:ref:refs/heads/main\","
                                                + "\"type_id\":99,\"type\":\"Workload\"}",
                                "/actor/user/uid", "\"repo:acme/app:ref:refs/heads/main\"",
                                "/actor/authorizations/0/policy/name", "\"deployer\"",
                                "/src_endpoint/ip", "\"203.0.113.7\"",
                                "/service/name", "\"keyless\"")),
                Arguments.of(
                        "a refused exchange: Failure, the check as status_detail, Medium",
                        withFailure(workload("workload.authenticate"), "token-audience"),
                        Map.of(
                                "/class_uid", "3002",
                                "/status_id", "2",
                                "/status", "\"Failure\"",
                                "/status_detail", "\"token-audience\"",
                                "/severity_id", "3")),
                Arguments.of(
                        "certificate issue: a service ticket for ssh on the server",
                        workload("ssh.certificate.issue", "server", "web-01", "session_id", "s-1", "serial", "77"),
                        Map.of(
                                "/class_uid", "3002",
                                "/activity_id", "4",
                                "/type_uid", "300204",
                                "/service/name", "\"ssh\"",
                                "/dst_endpoint/name", "\"web-01\"",
                                "/session/uid", "\"s-1\"",
                                "/unmapped/keyless/serial", "\"77\"")),
                Arguments.of(
                        "session ready: Authorize Session, Assign Privileges",
                        body(
                                "session.ready",
                                "role",
                                "deployer",
                                "actor_type",
                                "agent",
                                "actor_id",
                                "agent-9",
                                "server",
                                "web-01",
                                "session_id",
                                "s-1",
                                "details",
                                Map.of("user", "wl_deployer_1")),
                        Map.of(
                                "/class_uid", "3003",
                                "/activity_id", "1",
                                "/type_uid", "300301",
                                "/user/name", "\"wl_deployer_1\"",
                                "/actor/app_name", "\"keyless-host-agent\"",
                                "/actor/app_uid", "\"agent-9\"",
                                "/device", "{\"name\":\"web-01\",\"type_id\":1,\"type\":\"Server\"}",
                                "/metadata/profiles", "[\"host\"]",
                                "/privileges", "[\"deployer\"]")),
                Arguments.of(
                        "session close: Logoff with its duration in milliseconds",
                        workload("session.close", "server", "web-01", "details", Map.of("duration_seconds", "125")),
                        Map.of(
                                "/class_uid", "3002",
                                "/activity_id", "2",
                                "/duration", "125000",
                                "/user/uid", "\"repo:acme/app:ref:refs/heads/main\"")),
                Arguments.of(
                        "the JIT account: Account Change, Create, the account as user",
                        body(
                                "server.account.create",
                                "actor_type",
                                "agent",
                                "actor_id",
                                "agent-9",
                                "server",
                                "web-01",
                                "details",
                                Map.of("user", "wl_deployer_1")),
                        Map.of(
                                "/class_uid", "3001",
                                "/activity_id", "1",
                                "/type_uid", "300101",
                                "/user/name", "\"wl_deployer_1\"",
                                "/user/type_id", "1",
                                "/device/name", "\"web-01\"",
                                "/metadata/profiles", "[\"host\"]")),
                Arguments.of(
                        "account delete",
                        body(
                                "server.account.delete",
                                "actor_type",
                                "agent",
                                "details",
                                Map.of("user", "wl_deployer_1")),
                        Map.of("/class_uid", "3001", "/activity_id", "6", "/type_uid", "300106")),
                Arguments.of(
                        "an admin created: Account Change, the new admin as user, the creator as actor",
                        body(
                                "admin.create",
                                "actor_type",
                                "admin",
                                "actor_id",
                                "sec",
                                "details",
                                Map.of("admin", "bob", "admin_role", "devops")),
                        Map.of(
                                "/class_uid", "3001",
                                "/user/name", "\"bob\"",
                                "/user/type_id", "2",
                                "/actor/user/name", "\"sec\"")),
                Arguments.of(
                        "ssh login on the server",
                        body(
                                "server.ssh.login",
                                "actor_type",
                                "agent",
                                "server",
                                "web-01",
                                "session_id",
                                "s-1",
                                "details",
                                Map.of("user", "wl_deployer")),
                        Map.of(
                                "/class_uid", "3002",
                                "/activity_id", "1",
                                "/service/name", "\"ssh\"",
                                "/user/name", "\"wl_deployer\"")),
                Arguments.of(
                        "admin sign-in",
                        body("admin.login", "actor_type", "admin", "actor_id", "alice", "client_ip", "198.51.100.4"),
                        Map.of(
                                "/class_uid", "3002",
                                "/activity_id", "1",
                                "/user/name", "\"alice\"",
                                "/user/type", "\"Admin\"",
                                "/src_endpoint/ip", "\"198.51.100.4\"")),
                Arguments.of(
                        "admin sign-out",
                        body("admin.logout", "actor_type", "admin", "actor_id", "alice"),
                        Map.of("/class_uid", "3002", "/activity_id", "2", "/type_uid", "300202")),
                Arguments.of(
                        "an admin change: API Activity, Update, the connection as resource",
                        body("connection.activate", "actor_type", "admin", "actor_id", "sec", "connection", "github"),
                        Map.of(
                                "/class_uid", "6003",
                                "/category_uid", "6",
                                "/activity_id", "3",
                                "/type_uid", "600303",
                                "/api/operation", "\"connection.activate\"",
                                "/resources", "[{\"type\":\"connection\",\"name\":\"github\"}]",
                                "/actor/user/name", "\"sec\"")),
                Arguments.of(
                        "a create: API Activity, Create",
                        body("policy.create", "actor_type", "admin", "actor_id", "sec"),
                        Map.of("/class_uid", "6003", "/activity_id", "1", "/type_uid", "600301")),
                Arguments.of(
                        "a delete: API Activity, Delete",
                        body("server.delete", "actor_type", "admin", "actor_id", "sec", "server", "web-01"),
                        Map.of("/class_uid", "6003", "/activity_id", "4", "/resources/0/name", "\"web-01\"")),
                Arguments.of(
                        "a secret reveal: API Activity, Read, by the workload",
                        workload("secret.reveal", "details", Map.of("path", "/ci", "name", "db")),
                        Map.of(
                                "/class_uid", "6003",
                                "/activity_id", "2",
                                "/actor/user/type", "\"Workload\"",
                                "/unmapped/keyless/details/name", "\"db\"")),
                Arguments.of(
                        "session revoke by an admin: Logoff, the admin acts",
                        body(
                                "session.revoke",
                                "actor_type",
                                "admin",
                                "actor_id",
                                "sec",
                                "session_id",
                                "s-1",
                                "details",
                                Map.of("duration_seconds", "3")),
                        Map.of(
                                "/class_uid", "3002",
                                "/activity_id", "2",
                                "/duration", "3000",
                                "/actor/user/name", "\"sec\"")),
                Arguments.of(
                        "agent enrolment: API Activity, Create",
                        body("agent.enroll", "actor_type", "agent", "actor_id", "agent-9", "server", "web-01"),
                        Map.of("/class_uid", "6003", "/activity_id", "1", "/actor/app_uid", "\"agent-9\"")),
                Arguments.of(
                        "team bootstrap by the system",
                        body("team.bootstrap", "actor_type", "system", "actor_id", "bootstrap"),
                        Map.of("/class_uid", "6003", "/activity_id", "1", "/actor/app_name", "\"keyless\"")));
    }

    static JsonNode render(Map<String, Object> body) throws Exception {
        StreamItem item = StreamRecords.event(new StreamRepository.EventRow(
                "acme",
                17,
                (String) body.get("type"),
                (String) body.get("outcome"),
                Instant.parse(TIME),
                Json.write(body),
                "a".repeat(64),
                "b".repeat(64)));
        JsonNode doc = JSON.readTree(RecordFormat.OCSF.render(item));
        assertThat(doc.at("/unmapped/keyless"))
                .as("the native record, unchanged")
                .isEqualTo(JSON.readTree(item.json()));
        return doc;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("events")
    void mapsEachEventToOcsf(String name, Map<String, Object> body, Map<String, String> expected) throws Exception {
        JsonNode doc = render(body);
        assertThat(doc.path("time").asLong()).isEqualTo(Instant.parse(TIME).toEpochMilli());
        assertThat(doc.at("/metadata/version").asText()).isEqualTo(OcsfRecords.OCSF_VERSION);
        assertThat(doc.at("/metadata/product/name").asText()).isEqualTo("Keyless");
        assertThat(doc.at("/metadata/labels")).isEqualTo(JSON.readTree("[\"keyless_ocsf_mapping:2\"]"));
        assertThat(doc.at("/metadata/uid").asText()).isEqualTo(body.get("id"));
        assertThat(doc.at("/metadata/sequence").asLong()).isEqualTo(17);
        assertThat(doc.at("/metadata/tenant_uid").asText()).isEqualTo("acme");
        assertThat(doc.at("/metadata/event_code").asText()).isEqualTo(body.get("type"));
        assertThat(doc.path("type_uid").asInt())
                .isEqualTo(doc.path("class_uid").asInt() * 100
                        + doc.path("activity_id").asInt());
        assertThat(doc.path("category_uid").asInt())
                .as("the category is the class's thousands")
                .isEqualTo(doc.path("class_uid").asInt() / 1000);
        for (Map.Entry<String, String> e : expected.entrySet()) {
            assertThat(doc.at(e.getKey())).as(e.getKey() + " in " + doc).isEqualTo(JSON.readTree(e.getValue()));
        }
        assertThat(OcsfSchema.problems(doc)).as("OCSF 1.3.0 schema on " + doc).isEmpty();
    }

    @Test
    void aSystemEventHasNoUserEndpointsOrDuration() throws Exception {
        JsonNode doc = render(body("team.bootstrap", "actor_type", "system", "actor_id", "bootstrap"));
        for (String pointer : List.of("/user", "/dst_endpoint", "/duration", "/status_detail")) {
            assertThat(doc.at(pointer).isMissingNode())
                    .as(pointer + " in " + doc)
                    .isTrue();
        }
        assertThat(doc.at("/src_endpoint"))
                .as("API Activity requires a source; no address was recorded")
                .isEqualTo(JSON.readTree("{\"name\":\"unknown\"}"));
        JsonNode notANumber = render(body("session.close", "details", Map.of("duration_seconds", "soon")));
        assertThat(notANumber.at("/duration").isMissingNode()).isTrue();
    }

    /** What the OCSF 1.3.0 schema must refuse, each a valid mapped event with one thing broken. */
    static Stream<Arguments> brokenEvents() {
        Map<String, Object> exchange = workload("workload.authenticate");
        Map<String, Object> account = body(
                "server.account.create", "actor_type", "agent", "server", "web-01", "details", Map.of("user", "wl_x"));
        Map<String, Object> ready = body(
                "session.ready",
                "actor_type",
                "agent",
                "role",
                "r",
                "server",
                "web-01",
                "details",
                Map.of("user", "wl_x"));
        Map<String, Object> api = workload("policy.create");
        return Stream.of(
                Arguments.of("an attribute Authentication does not define", exchange, "/privileges", "[\"x\"]"),
                Arguments.of("a type_uid that is not class × 100 + activity", exchange, "/type_uid", "300202"),
                Arguments.of("an activity Authentication does not have", exchange, "/activity_id", "7"),
                Arguments.of("an activity name that is not the caption", exchange, "/activity_name", "\"Login\""),
                Arguments.of("a status that is not the caption of status_id", exchange, "/status", "\"Failure\""),
                Arguments.of("a severity_id OCSF does not have", exchange, "/severity_id", "7"),
                Arguments.of("Authentication without its required user", exchange, "/user", null),
                Arguments.of("a user with neither name nor uid", exchange, "/user", "{\"type_id\":99}"),
                Arguments.of("an address that is no IP", exchange, "/src_endpoint", "{\"ip\":\"not-an-ip\"}"),
                Arguments.of("a host name that is no DNS name", exchange, "/dst_endpoint", "{\"hostname\":\"db_1\"}"),
                Arguments.of("time in ISO text, not epoch milliseconds", exchange, "/time", "\"2026-01-31T12:00:00Z\""),
                Arguments.of("another OCSF version", exchange, "/metadata/version", "\"1.4.0\""),
                Arguments.of("metadata without the product", exchange, "/metadata/product", null),
                Arguments.of("Account Change has no dst_endpoint", account, "/dst_endpoint", "{\"name\":\"web-01\"}"),
                Arguments.of("a device without the host profile", account, "/metadata/profiles", null),
                Arguments.of("Authorize Session needs privileges or group", ready, "/privileges", null),
                Arguments.of("API Activity without its required source", api, "/src_endpoint", null),
                Arguments.of("API Activity without api.operation", api, "/api", "{\"version\":\"1\"}"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("brokenEvents")
    void theSchemaRefusesWhatOcsfRefuses(String name, Map<String, Object> body, String pointer, String value)
            throws Exception {
        com.fasterxml.jackson.databind.node.ObjectNode doc =
                (com.fasterxml.jackson.databind.node.ObjectNode) render(body);
        assertThat(OcsfSchema.problems(doc)).as("valid as mapped: " + doc).isEmpty();
        int slash = pointer.lastIndexOf('/');
        com.fasterxml.jackson.databind.node.ObjectNode parent =
                (com.fasterxml.jackson.databind.node.ObjectNode) doc.at(pointer.substring(0, slash));
        String field = pointer.substring(slash + 1);
        if (value == null) {
            parent.remove(field);
        } else {
            parent.set(field, JSON.readTree(value));
        }
        assertThat(OcsfSchema.problems(doc)).as(name + ": " + doc).isNotEmpty();
    }

    @Test
    void mapsACheckpointAsABaseEventKeepingWhatVerifyNeeds() throws Exception {
        String body = Json.write(Map.of(
                "team", "acme",
                "seq", 40,
                "head_hash", "c".repeat(64),
                "signed_at", TIME,
                "key_id", "k1",
                "public_key", "pk",
                "signature", "sig"));
        StreamItem item = StreamRecords.checkpoint("acme", 40, Instant.parse(TIME), body);
        JsonNode doc = JSON.readTree(RecordFormat.OCSF.render(item));
        assertThat(doc.path("class_uid").asInt()).isZero();
        assertThat(doc.path("activity_id").asInt()).isEqualTo(99);
        assertThat(doc.path("type_uid").asInt()).isEqualTo(99);
        assertThat(doc.path("activity_name").asText()).isEqualTo("audit.checkpoint");
        assertThat(doc.path("time").asLong()).isEqualTo(Instant.parse(TIME).toEpochMilli());
        assertThat(doc.at("/metadata/sequence").asLong()).isEqualTo(40);
        assertThat(doc.at("/unmapped/keyless/record_type").asText()).isEqualTo("audit_checkpoint");
        assertThat(doc.at("/unmapped/keyless/signature").asText()).isEqualTo("sig");
        assertThat(doc.at("/unmapped/keyless/head_hash").asText()).isEqualTo("c".repeat(64));
        assertThat(doc.at("/actor").isMissingNode()).isTrue();
        assertThat(OcsfSchema.problems(doc)).as("OCSF 1.3.0 schema on " + doc).isEmpty();
        assertThat(RecordFormat.named("ocsf")).isEqualTo(RecordFormat.OCSF);
    }
}

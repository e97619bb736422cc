package dev.keyless.service.audit.stream;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.keyless.service.db.Json;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The ECS mapping, one case per kind of event that has fields to map: the bodies are shaped as the
 * service records them (AuditEntry's fields, snake_case), the expectations are ECS field paths with
 * their JSON values. Every document also keeps the native record, unchanged, under {@code keyless}.
 */
class EcsRecordsTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String TIME = "2026-01-31T12:00:00.123Z";

    static Map<String, Object> body(String type, Object... fields) {
        Map<String, Object> body = new HashMap<>();
        body.put("id", "8f2c6a8e-1d0b-4a57-9d3c-3f1c0f0e2a11");
        body.put("team", "acme");
        body.put("time", TIME);
        body.put("type", type);
        body.put("outcome", "success");
        for (int i = 0; i < fields.length; i += 2) {
            body.put((String) fields[i], fields[i + 1]);
        }
        return body;
    }

    static Map<String, Object> workload(String type, Object... more) {
        Object[] fields = new Object[] {
            "actor_type", "workload",
            "actor_id", "repo:acme/app:ref:refs/heads/main",
            "subject", "repo:acme/app:ref:refs/heads/main",
            "connection", "github",
            "role", "deployer",
            "claims", Map.of("repository", "acme/app", "actor", "octocat", "run_id", "42"),
            "client_ip", "203.0.113.7"
        };
        Object[] all = new Object[fields.length + more.length];
        System.arraycopy(fields, 0, all, 0, fields.length);
        System.arraycopy(more, 0, all, fields.length, more.length);
        return body(type, all);
    }

    static Stream<Arguments> events() {
        return Stream.of(
                Arguments.of(
                        "token exchange: a workload authenticates",
                        workload("workload.authenticate", "token_id", "jti-1", "token_ttl_seconds", 300),
                        Map.of(
                                "/event/category", "[\"authentication\"]",
                                "/event/type", "[\"start\"]",
                                "/event/outcome", "\"success\"",
                                "/user/id", "\"repo:acme/app:ref:refs/heads/main\"",
                                "/user/name", "\"octocat\"",
                                "/user/roles", "[\"deployer\"]",
                                "/source/ip", "\"203.0.113.7\"",
                                "/related/ip", "[\"203.0.113.7\"]",
                                "/related/user", "[\"octocat\",\"repo:acme/app:ref:refs/heads/main\"]")),
                Arguments.of(
                        "a refused exchange names the check",
                        withFailure(workload("workload.authenticate"), "token-audience"),
                        Map.of(
                                "/event/outcome", "\"failure\"",
                                "/event/reason", "\"token-audience\"",
                                "/event/type", "[\"start\"]")),
                Arguments.of(
                        "certificate issue: the target server is the host",
                        workload("ssh.certificate.issue", "server", "web-01", "session_id", "s-1", "serial", "77"),
                        Map.of(
                                "/event/category", "[\"authentication\",\"iam\"]",
                                "/event/type", "[\"creation\"]",
                                "/host/name", "\"web-01\"",
                                "/related/hosts", "[\"web-01\"]",
                                "/keyless/session_id", "\"s-1\"",
                                "/keyless/serial", "\"77\"")),
                Arguments.of(
                        "session close carries its duration in nanoseconds",
                        body(
                                "session.close",
                                "actor_type",
                                "workload",
                                "role",
                                "deployer",
                                "server",
                                "web-01",
                                "details",
                                Map.of("duration_seconds", "125")),
                        Map.of(
                                "/event/category", "[\"session\"]",
                                "/event/type", "[\"end\"]",
                                "/event/duration", "125000000000",
                                "/host/name", "\"web-01\"")),
                Arguments.of(
                        "the agent creates the JIT account: no user, the agent stays in keyless",
                        body(
                                "server.account.create",
                                "actor_type",
                                "agent",
                                "actor_id",
                                "agent-9",
                                "server",
                                "web-01",
                                "role",
                                "deployer"),
                        Map.of(
                                "/event/category", "[\"iam\"]",
                                "/event/type", "[\"user\",\"creation\"]",
                                "/host/name", "\"web-01\"",
                                "/user/roles", "[\"deployer\"]",
                                "/keyless/actor_id", "\"agent-9\"")),
                Arguments.of(
                        "account delete",
                        body("server.account.delete", "actor_type", "agent", "actor_id", "agent-9", "server", "web-01"),
                        Map.of("/event/category", "[\"iam\"]", "/event/type", "[\"user\",\"deletion\"]")),
                Arguments.of(
                        "ssh login on the server",
                        body("server.ssh.login", "actor_type", "agent", "server", "web-01", "session_id", "s-1"),
                        Map.of(
                                "/event/category", "[\"authentication\",\"session\"]",
                                "/event/type", "[\"start\"]",
                                "/host/name", "\"web-01\"")),
                Arguments.of(
                        "admin sign-in from an address",
                        body("admin.login", "actor_type", "admin", "actor_id", "alice", "client_ip", "198.51.100.4"),
                        Map.of(
                                "/event/category", "[\"authentication\"]",
                                "/user/name", "\"alice\"",
                                "/source/ip", "\"198.51.100.4\"",
                                "/related/user", "[\"alice\"]")),
                Arguments.of(
                        "an admin change is configuration",
                        body("connection.activate", "actor_type", "admin", "actor_id", "sec", "connection", "github"),
                        Map.of(
                                "/event/category", "[\"configuration\"]",
                                "/event/type", "[\"change\"]",
                                "/user/name", "\"sec\"",
                                "/keyless/connection", "\"github\"")),
                Arguments.of(
                        "a create falls back on its last word",
                        body("policy.create", "actor_type", "admin", "actor_id", "sec"),
                        Map.of("/event/category", "[\"configuration\"]", "/event/type", "[\"creation\"]")),
                Arguments.of(
                        "a secret reveal is access",
                        workload("secret.reveal", "details", Map.of("path", "/ci", "name", "db")),
                        Map.of(
                                "/event/category", "[\"configuration\"]",
                                "/event/type", "[\"access\"]",
                                "/user/roles", "[\"deployer\"]")),
                Arguments.of(
                        "session revoke by an admin",
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
                                "/event/type", "[\"end\"]",
                                "/event/duration", "3000000000",
                                "/user/name", "\"sec\"")));
    }

    static Map<String, Object> withFailure(Map<String, Object> body, String reason) {
        body.put("outcome", "failure");
        body.put("reason", reason);
        return body;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("events")
    void mapsEachEventToEcs(String name, Map<String, Object> body, Map<String, String> expected) throws Exception {
        StreamItem item = StreamRecords.event(new StreamRepository.EventRow(
                "acme",
                17,
                (String) body.get("type"),
                (String) body.get("outcome"),
                Instant.parse(TIME),
                Json.write(body),
                "a".repeat(64),
                "b".repeat(64)));
        JsonNode doc = JSON.readTree(RecordFormat.ECS.render(item));

        assertThat(doc.path("@timestamp").asText()).isEqualTo(TIME);
        assertThat(doc.at("/ecs/version").asText()).isEqualTo(EcsRecords.ECS_VERSION);
        assertThat(doc.at("/labels/keyless_ecs_mapping").asText()).isEqualTo("1");
        assertThat(doc.at("/event/kind").asText()).isEqualTo("event");
        assertThat(doc.at("/event/action").asText()).isEqualTo(body.get("type"));
        assertThat(doc.at("/event/module").asText()).isEqualTo("keyless");
        assertThat(doc.at("/event/dataset").asText()).isEqualTo("keyless.audit");
        assertThat(doc.at("/event/sequence").asLong()).isEqualTo(17);
        assertThat(doc.at("/event/id").asText()).isEqualTo(body.get("id"));
        assertThat(doc.at("/event/hash").asText()).isEqualTo("b".repeat(64));
        assertThat(doc.at("/organization/name").asText()).isEqualTo("acme");
        assertThat(doc.path("keyless")).as("the native record, unchanged").isEqualTo(JSON.readTree(item.json()));
        for (Map.Entry<String, String> e : expected.entrySet()) {
            assertThat(doc.at(e.getKey())).as(e.getKey() + " in " + doc).isEqualTo(JSON.readTree(e.getValue()));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("absent")
    void leavesOutWhatTheEventDoesNotHave(String name, Map<String, Object> body, List<String> absent) throws Exception {
        StreamItem item = StreamRecords.event(new StreamRepository.EventRow(
                "acme", 1, (String) body.get("type"), "success", Instant.parse(TIME), Json.write(body), "", "h"));
        JsonNode doc = JSON.readTree(EcsRecords.document(item));
        for (String pointer : absent) {
            assertThat(doc.at(pointer).isMissingNode())
                    .as(pointer + " in " + doc)
                    .isTrue();
        }
    }

    static Stream<Arguments> absent() {
        return Stream.of(
                Arguments.of(
                        "a system event has no user, source, host or related",
                        body("team.bootstrap", "actor_type", "system", "actor_id", "bootstrap"),
                        List.of("/user", "/source", "/host", "/related", "/event/duration", "/event/reason")),
                Arguments.of(
                        "a duration that is not a number stays in keyless only",
                        body("session.close", "details", Map.of("duration_seconds", "soon")),
                        List.of("/event/duration")));
    }

    @org.junit.jupiter.api.Test
    void mapsACheckpointAsStateKeepingWhatVerifyNeeds() throws Exception {
        String body = Json.write(Map.of(
                "team", "acme",
                "seq", 40,
                "head_hash", "c".repeat(64),
                "signed_at", TIME,
                "key_id", "k1",
                "public_key", "pk",
                "signature", "sig"));
        StreamItem item = StreamRecords.checkpoint("acme", 40, Instant.parse(TIME), body);
        JsonNode doc = JSON.readTree(RecordFormat.ECS.render(item));
        assertThat(doc.path("@timestamp").asText()).isEqualTo(TIME);
        assertThat(doc.at("/event/kind").asText()).isEqualTo("state");
        assertThat(doc.at("/event/action").asText()).isEqualTo("audit.checkpoint");
        assertThat(doc.at("/event/hash").asText()).isEqualTo("c".repeat(64));
        assertThat(doc.at("/event/sequence").asLong()).isEqualTo(40);
        assertThat(doc.at("/keyless/record_type").asText()).isEqualTo("audit_checkpoint");
        assertThat(doc.at("/keyless/signature").asText()).isEqualTo("sig");
        assertThat(doc.at("/user").isMissingNode()).isTrue();
    }

    @org.junit.jupiter.api.Test
    void theNativeFormatIsTheRecordItself() {
        StreamItem item = StreamRecords.checkpoint("acme", 1, Instant.parse(TIME), "{\"seq\":1}");
        assertThat(RecordFormat.JSON.render(item)).isEqualTo(item.json());
        assertThat(RecordFormat.named(" ECS ")).isEqualTo(RecordFormat.ECS);
    }
}

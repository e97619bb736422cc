package dev.keyless.service.it;

import static dev.keyless.testkit.service.TeamSetup.T;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keyless.testkit.SshKeygen;
import dev.keyless.testkit.service.Api;
import dev.keyless.testkit.service.TeamSetup;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code POST /v1/teams/{team}/servers/enrollment-tokens}: one one-time token per server the label
 * selector picks, for the admins who may mint one token, each audited with the selector; a token
 * enrols its own server only; bad selectors are typed 400s.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BulkEnrollmentTokensIT {
    static final String PATH = T + "/servers/enrollment-tokens";

    RunningService service;
    TeamSetup team;
    Path dir;

    @BeforeAll
    void start() throws Exception {
        service = RunningService.start(TestDatabase.H2);
        team = new TeamSetup(service.uri(), service.bootstrapToken());
        dir = Files.createTempDirectory("bulk-enrolment-it");
        team.server("web-1", 22, Map.of("env", "prod", "tier", "web"));
        team.server("web-2", 22, Map.of("env", "prod", "tier", "web"));
        team.server("db-1", 22, Map.of("env", "prod", "tier", "db"));
        team.server("stage-1", 22, Map.of("env", "stage", "tier", "web"));
    }

    @AfterAll
    void stop() throws Exception {
        if (team != null) {
            team.close();
        }
        if (service != null) {
            service.close();
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder())
                    .forEach(p -> p.toFile().delete());
        }
    }

    @Test
    void mintsOneTokenPerSelectedServerEachAuditedAndEachForItsOwnServer() throws Exception {
        Api.Response r = bulk(team.devops, Map.of("selector", Map.of("labels", Map.of("env", "prod", "tier", "web"))));
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        JsonNode tokens = r.json();
        assertThat(tokens.findValuesAsText("server")).containsExactly("web-1", "web-2");
        List<String> values = tokens.findValuesAsText("token");
        assertThat(values).doesNotHaveDuplicates().allMatch(t -> t.startsWith("kle_"));
        for (JsonNode token : tokens) {
            Instant expires = Instant.parse(token.path("expires_at").asText());
            assertThat(Duration.between(Instant.now(), expires))
                    .isBetween(Duration.ofMinutes(55), Duration.ofMinutes(61));
        }

        assertThat(enroll("web-2", values.get(0)).slug())
                .as("web-1's token does not enrol web-2")
                .isEqualTo("enrollment-token-invalid");
        assertThat(enroll("web-1", values.get(0)).status()).isEqualTo(201);
        assertThat(enroll("web-1", values.get(0)).slug()).as("one use").isEqualTo("enrollment-token-invalid");
        assertThat(enroll("web-2", values.get(1)).status()).isEqualTo(201);

        Api.Response audit = team.api.get(T + "/audit?type=agent.enrollment_token.create", team.security);
        assertThat(audit.status()).isEqualTo(200);
        List<String> selectedServers = new ArrayList<>();
        for (JsonNode event : audit.json().path("events").isMissingNode()
                ? audit.json()
                : audit.json().path("events")) {
            if ("env=prod,tier=web"
                    .equals(event.path("details").path("selector").asText())) {
                selectedServers.add(event.path("server").asText());
                assertThat(event.path("actor_id").asText()).isEqualTo("ops");
            }
        }
        assertThat(selectedServers).containsExactlyInAnyOrder("web-1", "web-2");
        assertThat(audit.body()).as("no token in the audit trail").doesNotContain(values.get(0), values.get(1));
    }

    @Test
    void aSelectorMatchingNothingMintsNothing() {
        Api.Response r = bulk(team.security, Map.of("selector", Map.of("labels", Map.of("env", "nowhere"))));
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        assertThat(r.json()).isEmpty();
    }

    static Stream<Arguments> badRequests() {
        return Stream.of(
                Arguments.of("no body fields", Map.of(), "selector.labels"),
                Arguments.of("no labels", Map.of("selector", Map.of()), "selector.labels"),
                Arguments.of("empty labels", Map.of("selector", Map.of("labels", Map.of())), "selector.labels"),
                Arguments.of(
                        "label key outside the grammar",
                        Map.of("selector", Map.of("labels", Map.of("Env;rm -rf", "prod"))),
                        "selector.labels"),
                Arguments.of(
                        "over-long label value",
                        Map.of("selector", Map.of("labels", Map.of("env", "x".repeat(5000)))),
                        "selector.labels.env"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badRequests")
    void refusesABadSelectorNamingTheField(String name, Map<String, Object> body, String field) {
        Api.Response r = bulk(team.devops, body);
        assertThat(r.status()).as(r.body()).isEqualTo(400);
        assertThat(r.slug()).isEqualTo("invalid-request");
        assertThat(r.json().path("errors").findValuesAsText("field")).contains(field);
        assertThat(r.body()).doesNotContain("rm -rf").doesNotContain("xxxxxxxxxx");
    }

    @Test
    void refusesUnknownFieldsOtherRolesAndNoCredential() {
        assertThat(bulk(team.devops, Map.of("selector", Map.of("labels", Map.of("env", "prod")), "all", true))
                        .status())
                .isEqualTo(400);
        assertThat(bulk(team.auditor, Map.of("selector", Map.of("labels", Map.of("env", "prod"))))
                        .status())
                .isEqualTo(403);
        assertThat(bulk(null, Map.of("selector", Map.of("labels", Map.of("env", "prod"))))
                        .status())
                .isEqualTo(401);
    }

    private Api.Response bulk(String admin, Map<String, ?> body) {
        return team.api.post(PATH, admin, body);
    }

    private Api.Response enroll(String server, String token) throws Exception {
        Path sub = Files.createTempDirectory(dir, server);
        Path agentKey = SshKeygen.generate(sub, "agent", "ed25519", 0, "agent");
        Path hostKey = SshKeygen.generate(sub, "host", "ed25519", 0, "host");
        return team.api.post(
                T + "/agents/enroll",
                null,
                Map.of(
                        "server",
                        server,
                        "enrollment_token",
                        token,
                        "agent_public_key",
                        Files.readString(Path.of(agentKey + ".pub")).strip(),
                        "host_public_key",
                        Files.readString(Path.of(hostKey + ".pub")).strip()));
    }
}

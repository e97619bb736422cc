package dev.keyless.service.it;

import static dev.keyless.testkit.service.TeamSetup.T;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keyless.client.KeylessClient;
import dev.keyless.protocol.WorkloadRequests.CertificateResponse;
import dev.keyless.testkit.service.Api;
import dev.keyless.testkit.service.TeamSetup;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The four attacks on a captured agent header from the review (issue 9, finding 3), against the
 * real service: a signed agent request is single-use, bound to its body and query, and lives for
 * seconds.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SignedAgentRequestIT {
    static final String LOGINS = T + "/agents/logins";

    RunningService service;
    TeamSetup team;
    KeylessClient client;
    TestAgent agent;
    Path dir;

    @BeforeAll
    void start() throws Exception {
        dir = Files.createTempDirectory("signed-agent-request");
        service = RunningService.start(TestDatabase.H2, Map.of("keyless.session.ready-wait", "100ms"));
        team = new TeamSetup(service.uri(), service.bootstrapToken()).standard();
        client = KeylessClient.create(service.uri(), RunningService.TEAM);
        agent = TestAgent.enroll(service, team, "web-01", dir);
    }

    @AfterAll
    void stop() throws Exception {
        team.close();
        service.close();
    }

    @Test
    void aSignedRequestIsAcceptedOnlyOnce() {
        byte[] body = TestAgent.json(login("wl_deployer", "198.51.100.7"));
        String header = agent.header("POST", LOGINS, body);

        assertThat(agent.send("POST", LOGINS, body, header).status()).isEqualTo(204);
        Api.Response again = agent.send("POST", LOGINS, body, header);

        assertThat(again.status()).as(again.body()).isEqualTo(401);
        assertThat(again.slug()).isEqualTo("agent-request-replayed");
        assertThat(loginsFrom("198.51.100.7")).hasSize(1);
    }

    @Test
    void aGetIsSingleUseToo() {
        String header = agent.header("GET", T + "/agents/sessions");
        assertThat(agent.call("GET", T + "/agents/sessions", null, header).status())
                .isEqualTo(200);
        assertThat(agent.call("GET", T + "/agents/sessions", null, header).slug())
                .isEqualTo("agent-request-replayed");
    }

    @Test
    void aSignedRequestIsBoundToItsBody() {
        byte[] signed = TestAgent.json(login("wl_deployer", "198.51.100.8"));
        byte[] forged = TestAgent.json(login("wl_admin", "203.0.113.66"));
        String header = agent.header("POST", LOGINS, signed);

        Api.Response r = agent.send("POST", LOGINS, forged, header);

        assertThat(r.status()).as(r.body()).isEqualTo(401);
        assertThat(r.slug()).isEqualTo("agent-request-mismatch");
        assertThat(loginsFrom("203.0.113.66")).isEmpty();
        // The refused attempt did not use up the header: the real request still goes through.
        assertThat(agent.send("POST", LOGINS, signed, header).status()).isEqualTo(204);
    }

    @Test
    void aSignedRequestIsBoundToItsQuery() {
        String header = agent.header("GET", T + "/agents/events?after=0&wait_seconds=0");
        Api.Response r = agent.call("GET", T + "/agents/events?after=0&wait_seconds=55", null, header);
        assertThat(r.slug()).as(r.body()).isEqualTo("agent-request-mismatch");
    }

    @Test
    void anExpiredRequestIsRefused() {
        byte[] body = TestAgent.json(login("wl_deployer", "198.51.100.9"));
        // exp 50 s ago, within the old 60 s skew
        String header = agent.header("POST", LOGINS, body, Instant.now().minusSeconds(80), Duration.ofSeconds(30));

        Api.Response r = agent.send("POST", LOGINS, body, header);

        assertThat(r.status()).as(r.body()).isEqualTo(401);
        assertThat(r.slug()).isEqualTo("agent-request-expired");
        assertThat(loginsFrom("198.51.100.9")).isEmpty();
    }

    @Test
    void aRequestIssuedInTheFutureOrLivingLongIsRefused() {
        byte[] body = TestAgent.json(login("wl_deployer", "198.51.100.10"));
        // iat 55 s ahead with a 120 s lifetime: one header usable for about 4 minutes before
        String future = agent.header("POST", LOGINS, body, Instant.now().plusSeconds(55), Duration.ofMinutes(2));
        String ahead = agent.header("POST", LOGINS, body, Instant.now().plusSeconds(55), Duration.ofSeconds(30));
        String longLived = agent.header("POST", LOGINS, body, Instant.now(), Duration.ofMinutes(2));

        assertThat(agent.send("POST", LOGINS, body, future).slug()).isEqualTo("agent-request-expired");
        assertThat(agent.send("POST", LOGINS, body, ahead).slug()).isEqualTo("agent-request-expired");
        assertThat(agent.send("POST", LOGINS, body, longLived).slug()).isEqualTo("agent-request-expired");
        assertThat(loginsFrom("198.51.100.10")).isEmpty();
    }

    @Test
    void aSmallClockDifferenceIsTolerated() {
        byte[] body = TestAgent.json(login("wl_deployer", "198.51.100.11"));
        String ahead = agent.header("POST", LOGINS, body, Instant.now().plusSeconds(3), Duration.ofSeconds(30));
        Api.Response r = agent.send("POST", LOGINS, body, ahead);
        assertThat(r.status()).as(r.body()).isEqualTo(204);
    }

    @Test
    void aReportWithoutABodyDigestIsRefused() {
        // The old header format: everything but body_sha256.
        byte[] body = TestAgent.json(login("wl_deployer", "198.51.100.12"));
        String header = agent.headerWithout("body_sha256", "POST", LOGINS, body);
        assertThat(agent.send("POST", LOGINS, body, header).slug()).isEqualTo("agent-request-mismatch");
    }

    @Test
    void aSessionReportIsBoundToItsBodyToo() throws Exception {
        CertificateResponse cert = AgentApiIT.certificate(client, team, dir, "web-01");
        String path = T + "/agents/sessions/" + cert.sessionId() + "/ready";
        byte[] signed = TestAgent.json(Map.of("account_created", false, "duration_ms", 1));
        byte[] forged = TestAgent.json(Map.of("account_created", true, "duration_ms", 1));
        String header = agent.header("POST", path, signed);

        assertThat(agent.send("POST", path, forged, header).slug()).isEqualTo("agent-request-mismatch");
        assertThat(agent.send("POST", path, signed, header).status()).isEqualTo(204);
    }

    @Test
    void aSignedBodyThatIsNotTheExpectedJsonIsA400() {
        for (String body : List.of("{not json", "{\"type\":\"login\",\"extra\":1}", "{\"type\":7}")) {
            byte[] bytes = body.getBytes(java.nio.charset.StandardCharsets.UTF_8);
            Api.Response r = agent.send("POST", LOGINS, bytes, agent.header("POST", LOGINS, bytes));
            assertThat(r.status()).as(body + ": " + r.body()).isEqualTo(400);
            assertThat(r.slug()).isEqualTo("malformed-request");
        }
    }

    private static Map<String, Object> login(String user, String from) {
        Map<String, Object> login = new LinkedHashMap<>();
        login.put("type", "login");
        login.put("user", user);
        login.put("serial", "12345");
        login.put("key_id", "keyless:acme:deployer:00000000-0000-4000-8000-000000000000");
        login.put("source_address", from);
        return login;
    }

    private List<JsonNode> loginsFrom(String address) {
        List<JsonNode> found = new ArrayList<>();
        team.api
                .get(T + "/audit?type=server.ssh.login", team.auditor)
                .json()
                .get("events")
                .forEach(e -> {
                    if (address.equals(e.path("details").path("source_address").asText())) {
                        found.add(e);
                    }
                });
        return found;
    }
}

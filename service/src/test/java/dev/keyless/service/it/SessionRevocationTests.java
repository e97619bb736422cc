package dev.keyless.service.it;

import static dev.keyless.testkit.service.TeamSetup.T;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keyless.client.KeylessClient;
import dev.keyless.protocol.WorkloadRequests.AccessToken;
import dev.keyless.protocol.WorkloadRequests.CertificateResponse;
import dev.keyless.testkit.SshKeygen;
import dev.keyless.testkit.service.Api;
import dev.keyless.testkit.service.TeamSetup;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * However a session ends (closed, expired, revoked by an admin, a role or connection change),
 * its serial reaches the agents' KRL and its agent gets a {@code session.end}: the real service
 * on H2 and on MariaDB, driven over HTTP by a stand-in agent for web-01.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class SessionRevocationTests {
    RunningService service;
    TeamSetup team;
    Api api;
    KeylessClient client;
    TestAgent agent;
    Path dir;

    abstract TestDatabase database();

    @BeforeAll
    void start() throws Exception {
        dir = Files.createTempDirectory("session-revocation");
        service = RunningService.start(
                database(), Map.of("keyless.session.ready-wait", "0ms", "keyless.session.expiry-sweep", "200ms"));
        team = new TeamSetup(service.uri(), service.bootstrapToken()).standard();
        api = team.api;
        client = KeylessClient.create(service.uri(), RunningService.TEAM);
        agent = TestAgent.enroll(service, team, "web-01", dir);
    }

    @AfterAll
    void stop() throws Exception {
        team.close();
        service.close();
    }

    @Test
    void aClosedSessionsSerialJoinsTheKrl() throws Exception {
        Job job = job("github", "deployer", Map.of());
        client.closeSession(job.access.accessToken(), job.cert.sessionId());

        assertThat(state(job)).isEqualTo("CLOSED");
        assertThat(revokedSerials()).contains(serial(job));
        assertThat(endEventState(job)).isEqualTo("CLOSED");
    }

    @Test
    void anExpiredSessionIsSweptIntoTheKrlAndEndedOnItsAgent() throws Exception {
        Job job = job("github", "deployer", Map.of());
        // The certificate's end passes (the policy minimum is a minute; the database says when).
        try (Connection c = service.jdbc();
                PreparedStatement s = c.prepareStatement("UPDATE ssh_session SET valid_before = ? WHERE id = ?")) {
            s.setLong(1, System.currentTimeMillis() - 1_000);
            s.setString(2, job.cert.sessionId());
            assertThat(s.executeUpdate()).isOne();
        }

        assertThat(await(() -> "EXPIRED".equals(state(job)))).isTrue();
        assertThat(revokedSerials()).contains(serial(job));
        assertThat(endEventState(job)).isEqualTo("EXPIRED");
        assertThat(audit("session.expire", job)).hasSize(1);
    }

    @Test
    void deletingARoleRevokesItsLiveSessions() throws Exception {
        grant("gone", "github", Map.of("repository", "acme-corp/gone"));
        Job job = job("github", "gone", Map.of("repository", "acme-corp/gone"));

        assertThat(api.delete(T + "/roles/gone", team.security).status()).isEqualTo(204);

        assertRevoked(job, "role was deleted");
    }

    @Test
    void changingARolesClaimsRevokesItsLiveSessionsButAnUnchangedPutDoesNot() throws Exception {
        grant("moved", "github", Map.of("repository", "acme-corp/moved"));
        Job job = job("github", "moved", Map.of("repository", "acme-corp/moved"));
        Map<String, Object> same = Map.of("connection", "github", "claims", Map.of("repository", "acme-corp/moved"));
        assertThat(api.put(T + "/roles/moved", team.security, same).status()).isEqualTo(200);
        assertThat(state(job)).isEqualTo("PENDING");

        Map<String, Object> changed =
                Map.of("connection", "github", "claims", Map.of("repository", "acme-corp/elsewhere"));
        Api.Response r = api.put(T + "/roles/moved", team.security, changed);
        assertThat(r.status()).as(r.body()).isEqualTo(200);

        assertRevoked(job, "role's connection or claim conditions changed");
    }

    @Test
    void deactivatingAConnectionRevokesTheSessionsItVouchedFor() throws Exception {
        team.activeConnection("github-two");
        grant("viatwo", "github-two", Map.of("repository", "acme-corp/two"));
        Job other = job("github", "deployer", Map.of());
        Job job = job("github-two", "viatwo", Map.of("repository", "acme-corp/two"));

        Api.Response r = api.post(T + "/connections/github-two/deactivate", team.security, null);
        assertThat(r.status()).as(r.body()).isEqualTo(200);

        assertRevoked(job, "connection was deactivated");
        assertThat(state(other)).as("a session of another connection").isEqualTo("PENDING");
    }

    private void assertRevoked(Job job, String reason) throws Exception {
        assertThat(state(job)).isEqualTo("REVOKED");
        JsonNode revoke = audit("session.revoke", job);
        assertThat(revoke).hasSize(1);
        assertThat(revoke.get(0).get("details").get("reason").asText()).isEqualTo(reason);
        assertThat(revoke.get(0).get("actor_type").asText()).isEqualTo("admin");
        assertThat(revoke.get(0).get("actor_id").asText()).isEqualTo("bootstrap");
        assertThat(revokedSerials()).contains(serial(job));
        assertThat(endEventState(job)).isEqualTo("REVOKED");
    }

    private void grant(String role, String connection, Map<String, Object> claims) {
        team.role(role, connection, claims);
        team.policy("p-" + role, List.of(role), Map.of("names", List.of("web-01")), List.of());
    }

    record Job(AccessToken access, CertificateResponse cert) {}

    private Job job(String connection, String role, Map<String, Object> claims) throws Exception {
        AccessToken access = client.authenticate(connection, team.githubToken(claims), role);
        Path key = SshKeygen.generate(dir, "job-" + System.nanoTime(), "ed25519", 0, "job");
        CertificateResponse cert = client.requestCertificate(
                access.accessToken(),
                "web-01",
                Files.readString(Path.of(key + ".pub")).trim());
        return new Job(access, cert);
    }

    private String state(Job job) throws Exception {
        try (Connection c = service.jdbc();
                PreparedStatement s = c.prepareStatement("SELECT state FROM ssh_session WHERE id = ?")) {
            s.setString(1, job.cert.sessionId());
            try (ResultSet rs = s.executeQuery()) {
                assertThat(rs.next()).isTrue();
                return rs.getString(1);
            }
        }
    }

    private String serial(Job job) throws Exception {
        try (Connection c = service.jdbc();
                PreparedStatement s = c.prepareStatement("SELECT serial FROM ssh_session WHERE id = ?")) {
            s.setString(1, job.cert.sessionId());
            try (ResultSet rs = s.executeQuery()) {
                assertThat(rs.next()).isTrue();
                return rs.getString(1);
            }
        }
    }

    private List<String> revokedSerials() {
        Api.Response r = agent.call("GET", T + "/agents/events?after=0&wait_seconds=0", null);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return java.util.stream.StreamSupport.stream(
                        r.json().get("revoked_serials").spliterator(), false)
                .map(JsonNode::asText)
                .toList();
    }

    /** The state the agent's {@code session.end} event for the job reports. */
    private String endEventState(Job job) {
        long after = 0;
        while (true) {
            Api.Response r = agent.call("GET", T + "/agents/events?after=" + after + "&wait_seconds=0", null);
            JsonNode events = r.json().get("events");
            if (events.isEmpty()) {
                return null;
            }
            for (JsonNode e : events) {
                after = e.get("seq").asLong();
                if (e.get("type").asText().equals("session.end")
                        && e.get("session").get("id").asText().equals(job.cert.sessionId())) {
                    return e.get("session").get("state").asText();
                }
            }
        }
    }

    private JsonNode audit(String type, Job job) {
        return api.get(T + "/audit?type=" + type + "&session=" + job.cert.sessionId(), team.auditor)
                .json()
                .get("events");
    }

    private static boolean await(java.util.concurrent.Callable<Boolean> condition) throws Exception {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (System.nanoTime() < deadline) {
            if (condition.call()) {
                return true;
            }
            Thread.sleep(50);
        }
        return condition.call();
    }
}

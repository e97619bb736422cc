package dev.keyless.service.it;

import static dev.keyless.testkit.service.TeamSetup.T;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keyless.client.KeylessClient;
import dev.keyless.protocol.LiveSessionsDigest;
import dev.keyless.protocol.SessionState;
import dev.keyless.protocol.WorkloadRequests.AccessToken;
import dev.keyless.protocol.WorkloadRequests.CertificateResponse;
import dev.keyless.testkit.SshKeygen;
import dev.keyless.testkit.service.Api;
import dev.keyless.testkit.service.TeamSetup;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** The service side of the host-agent protocol, driven by a stand-in agent over real HTTP. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AgentApiIT {
    RunningService service;
    TeamSetup team;
    Api api;
    KeylessClient client;
    TestAgent agent;
    long seen;

    Path dir;

    @BeforeAll
    void start() throws Exception {
        dir = Files.createTempDirectory("agent-api");
        service = RunningService.start(TestDatabase.H2, Map.of("keyless.session.ready-wait", "300ms"));
        team = new TeamSetup(service.uri(), service.bootstrapToken()).standard();
        api = team.api;
        client = KeylessClient.create(service.uri(), RunningService.TEAM);
        team.server("web-02", 22, Map.of("env", "prod"));
        agent = enrolled("web-01");
    }

    @AfterAll
    void stop() throws Exception {
        team.close();
        service.close();
    }

    TestAgent enrolled(String server) throws Exception {
        return TestAgent.enroll(service, team, server, dir);
    }

    CertificateResponse certificate(String server) throws Exception {
        return certificate(client, team, dir, server);
    }

    /** A GitHub job's exchange and a certificate for {@code server}, with a fresh key in {@code dir}. */
    static CertificateResponse certificate(KeylessClient client, TeamSetup team, Path dir, String server)
            throws Exception {
        AccessToken access = client.authenticate("github", team.githubToken(), null);
        Path key = SshKeygen.generate(dir, "job-" + System.nanoTime(), "ed25519", 0, "job");
        return client.requestCertificate(
                access.accessToken(),
                server,
                Files.readString(Path.of(key + ".pub")).trim());
    }

    JsonNode nextEvents(int wait) {
        Api.Response r = agent.call("GET", T + "/agents/events?after=" + seen + "&wait_seconds=" + wait, null);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        JsonNode events = r.json().get("events");
        if (events.size() > 0) {
            seen = events.get(events.size() - 1).get("seq").asLong();
        }
        return r.json();
    }

    @Test
    void enrollmentTokensAreSingleUseAndBoundToTheirServer() throws Exception {
        TestAgent other = new TestAgent(service.uri(), RunningService.TEAM, "web-02");
        String token = api.post(T + "/servers/web-02/enrollment-tokens", team.devops, null)
                .json()
                .get("token")
                .asText();
        Path hostKey = SshKeygen.generate(dir, "host-x", "ed25519", 0, "host");
        String host = Files.readString(Path.of(hostKey + ".pub")).trim();
        Map<String, Object> wrongServer = Map.of(
                "server",
                "web-01",
                "enrollment_token",
                token,
                "agent_public_key",
                other.publicKeyLine(),
                "host_public_key",
                host);
        assertThat(other.call("POST", T + "/agents/enroll", wrongServer, null).slug())
                .isEqualTo("enrollment-token-invalid");
        Map<String, Object> right = Map.of(
                "server",
                "web-02",
                "enrollment_token",
                token,
                "agent_public_key",
                other.publicKeyLine(),
                "host_public_key",
                host);
        assertThat(other.call("POST", T + "/agents/enroll", right, null).status())
                .isEqualTo(201);
        assertThat(other.call("POST", T + "/agents/enroll", right, null).slug()).isEqualTo("enrollment-token-invalid");
    }

    @Test
    void theServerViewShowsTheAgentsStatusAndLastSeenIsWrittenAtMostOncePerMinute() throws Exception {
        team.server("web-status", 22, Map.of("env", "test"));
        JsonNode none = api.get(T + "/servers/web-status", team.auditor).json().get("agent");
        assertThat(none.get("enrolled").asBoolean()).isFalse();
        assertThat(none.has("version")).as("nothing to show without an agent").isFalse();

        TestAgent a = enrolled("web-status");
        JsonNode enrolled =
                api.get(T + "/servers/web-status", team.auditor).json().get("agent");
        assertThat(enrolled.get("enrolled").asBoolean()).isTrue();
        assertThat(enrolled.get("version").asText()).isEqualTo("0.0.0-test");
        assertThat(enrolled.get("last_seen_at").asText())
                .isEqualTo(enrolled.get("enrolled_at").asText());

        // Calls within the minute after the last write leave the row alone: no write per long poll.
        Thread.sleep(1100);
        assertThat(a.call("GET", T + "/agents/sessions", null).status()).isEqualTo(200);
        assertThat(a.call("GET", T + "/agents/events?after=0&wait_seconds=0", null)
                        .status())
                .isEqualTo(200);
        JsonNode polled =
                api.get(T + "/servers/web-status", team.auditor).json().get("agent");
        assertThat(polled.get("last_seen_at").asText())
                .isEqualTo(enrolled.get("last_seen_at").asText());

        // A new version (an upgraded agent) is written at once, with the time it was seen.
        a.version = "0.0.1-test";
        assertThat(a.call("GET", T + "/agents/sessions", null).status()).isEqualTo(200);
        JsonNode upgraded = api.get(T + "/servers", team.auditor).json().findValues("agent").stream()
                .filter(s -> "0.0.1-test".equals(s.path("version").asText()))
                .findFirst()
                .orElseThrow();
        assertThat(Instant.parse(upgraded.get("last_seen_at").asText()))
                .isAfter(Instant.parse(enrolled.get("last_seen_at").asText()));

        // An agent without a version claim keeps the one it reported; a malformed one is refused.
        a.version = null;
        assertThat(a.call("GET", T + "/agents/sessions", null).status()).isEqualTo(200);
        assertThat(api.get(T + "/servers/web-status", team.auditor)
                        .json()
                        .get("agent")
                        .get("version")
                        .asText())
                .isEqualTo("0.0.1-test");
        a.version = "<script>";
        assertThat(a.call("GET", T + "/agents/sessions", null).slug()).isEqualTo("agent-unauthenticated");
        assertThat(api.get(T + "/servers/web-status", team.auditor)
                        .json()
                        .get("agent")
                        .get("version")
                        .asText())
                .isEqualTo("0.0.1-test");
    }

    @Test
    void agentRequestsMustBeSignedForThisRequest() {
        String path = T + "/agents/sessions";
        assertThat(agent.call("GET", path, null, null).slug()).isEqualTo("agent-unauthenticated");
        assertThat(agent.call("GET", path, null, agent.header("GET", T + "/agents/events"))
                        .slug())
                .isEqualTo("agent-request-mismatch");
        TestAgent impostor = new TestAgent(service.uri(), RunningService.TEAM, "web-01");
        impostor.agentId = agent.agentId;
        assertThat(impostor.call("GET", path, null).slug()).isEqualTo("agent-unauthenticated");
        assertThat(agent.call("GET", path, null).status()).isEqualTo(200);
    }

    @Test
    void sessionsWaitForTheAgentThenFollowItsReports() throws Exception {
        nextEvents(0);
        CertificateResponse cert = certificate("web-01");
        assertThat(cert.state()).isEqualTo(SessionState.PENDING);

        JsonNode polled = nextEvents(5);
        JsonNode start = polled.get("events").get(0);
        assertThat(start.get("type").asText()).isEqualTo("session.start");
        assertThat(start.get("session").get("id").asText()).isEqualTo(cert.sessionId());
        assertThat(start.get("session").get("principal").asText()).isEqualTo("wl_deployer");
        assertThat(start.get("session").get("sudo").get(0).asText()).isEqualTo("/usr/bin/systemctl restart app");
        assertThat(polled.get("user_ca_public_keys").get(0).asText()).startsWith("ssh-ed25519 ");

        Api.Response ready = agent.call(
                "POST",
                T + "/agents/sessions/" + cert.sessionId() + "/ready",
                Map.of("account_created", true, "duration_ms", 42));
        assertThat(ready.status()).as(ready.body()).isEqualTo(204);
        assertThat(agent.call("GET", T + "/agents/sessions", null)
                        .json()
                        .get("sessions")
                        .findValuesAsText("id"))
                .contains(cert.sessionId());

        Api.Response revoked = api.post(T + "/sessions/" + cert.sessionId() + "/revoke", team.security, null);
        assertThat(revoked.json().get("state").asText()).isEqualTo("REVOKED");
        JsonNode after = nextEvents(5);
        assertThat(after.get("events").get(0).get("type").asText()).isEqualTo("session.end");
        assertThat(after.get("events").get(0).get("session").get("state").asText())
                .isEqualTo("REVOKED");
        String serial = api.get(T + "/audit?type=session.revoke&session=" + cert.sessionId(), team.auditor)
                .json()
                .get("events")
                .get(0)
                .get("serial")
                .asText();
        assertThat(after.get("revoked_serials").toString()).contains("\"" + serial + "\"");
    }

    @Test
    void everyPollAnswerCarriesTheDigestOfWhatGetSessionsListsAndTheHostCaKeys() throws Exception {
        nextEvents(0);
        CertificateResponse cert = certificate("web-01");
        JsonNode polled = nextEvents(5);
        List<String> live = agent.call("GET", T + "/agents/sessions", null)
                .json()
                .get("sessions")
                .findValuesAsText("id");
        assertThat(live).contains(cert.sessionId());
        assertThat(polled.get("live_sessions_digest").asText()).isEqualTo(LiveSessionsDigest.of(live));
        assertThat(polled.get("host_ca_public_keys").get(0).asText()).startsWith("ssh-ed25519 ");

        api.post(T + "/sessions/" + cert.sessionId() + "/revoke", team.security, null);
        JsonNode after = nextEvents(5);
        List<String> still = agent.call("GET", T + "/agents/sessions", null)
                .json()
                .get("sessions")
                .findValuesAsText("id");
        assertThat(still).doesNotContain(cert.sessionId());
        assertThat(after.get("live_sessions_digest").asText()).isEqualTo(LiveSessionsDigest.of(still));
    }

    @Test
    void provisioningFailuresEndTheSessionWithTheAgentsReason() throws Exception {
        CertificateResponse cert = certificate("web-01");
        Api.Response failed = agent.call(
                "POST", T + "/agents/sessions/" + cert.sessionId() + "/failed", Map.of("reason", "useradd exited 9"));
        assertThat(failed.status()).isEqualTo(204);
        JsonNode audit = api.get(T + "/audit?type=session.provision.fail&session=" + cert.sessionId(), team.auditor)
                .json()
                .get("events");
        assertThat(audit.get(0).get("details").get("agent_reason").asText()).isEqualTo("useradd exited 9");
    }

    @Test
    void anAgentCannotActOnAnotherServersSessions() throws Exception {
        TestAgent web02 = new TestAgent(service.uri(), RunningService.TEAM, "web-02");
        web02.agentId = agent.agentId;
        CertificateResponse cert = certificate("web-01");
        // Signed by web-01's key but claiming web-02: refused.
        assertThat(agent.call(
                                "POST",
                                T + "/agents/sessions/" + cert.sessionId() + "/ready",
                                Map.of(),
                                web02.header("POST", T + "/agents/sessions/" + cert.sessionId() + "/ready"))
                        .slug())
                .isEqualTo("agent-unauthenticated");
    }

    @Test
    void removingARolesAccessByPolicyRevokesItsLiveSessions() throws Exception {
        team.role("narrow", "github", Map.of("repository", "acme-corp/narrow"));
        team.policy("narrow", List.of("narrow"), Map.of("names", List.of("web-02")), List.of());
        AccessToken access =
                client.authenticate("github", team.githubToken(Map.of("repository", "acme-corp/narrow")), null);
        Path key = SshKeygen.generate(dir, "narrow", "ed25519", 0, "job");
        CertificateResponse cert = client.requestCertificate(
                access.accessToken(),
                "web-02",
                Files.readString(Path.of(key + ".pub")).trim());
        Api.Response changed = api.put(
                T + "/policies/narrow",
                team.security,
                Map.of("roles", List.of("narrow"), "servers", Map.of("names", List.of("web-01")), "sudo", List.of()));
        assertThat(changed.status()).as(changed.body()).isEqualTo(200);
        JsonNode audit = api.get(T + "/audit?type=session.revoke&session=" + cert.sessionId(), team.auditor)
                .json()
                .get("events");
        assertThat(audit).hasSize(1);
        assertThat(audit.get(0).get("details").get("reason").asText()).contains("policy");
    }

    @Test
    void loginReportsAreAuditedAndLinkedToTheSession() throws Exception {
        CertificateResponse cert = certificate("web-01");
        Api.Response r = agent.call(
                "POST",
                T + "/agents/logins",
                Map.of(
                        "type",
                        "login",
                        "user",
                        "wl_deployer",
                        "serial",
                        "12345",
                        "key_id",
                        "keyless:acme:deployer:" + cert.sessionId() + ":13245678901",
                        "source_address",
                        "127.0.0.1"));
        assertThat(r.status()).isEqualTo(204);
        JsonNode audit = api.get(T + "/audit?type=server.ssh.login&session=" + cert.sessionId(), team.auditor)
                .json()
                .get("events");
        assertThat(audit).hasSize(1);
        assertThat(audit.get(0).get("role").asText()).isEqualTo("deployer");
        assertThat(audit.get(0).get("server").asText()).isEqualTo("web-01");
    }

    @Test
    void anOversizedLoginReportIsRefusedAndOtherWritesGoOn() throws Exception {
        // Longer than the audit columns (role 30, session_id 40), short enough for the old 200-char filter.
        String keyId = "keyless:acme:" + "r".repeat(120) + ":" + "s".repeat(60);
        Map<String, Object> report = Map.of(
                "type", "login", "user", "wl_deployer", "serial", "1", "key_id", keyId, "source_address", "127.0.0.1");
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<Api.Response>> reports = new ArrayList<>();
            List<Future<AccessToken>> exchanges = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                reports.add(pool.submit(() -> agent.call("POST", T + "/agents/logins", report)));
                exchanges.add(pool.submit(() -> client.authenticate("github", team.githubToken(), null)));
            }
            for (Future<Api.Response> f : reports) {
                Api.Response r = f.get(60, TimeUnit.SECONDS);
                assertThat(r.status()).as(r.body()).isEqualTo(400);
                assertThat(r.slug()).isEqualTo("invalid-request");
                assertThat(r.json().get("errors").get(0).get("field").asText()).isEqualTo("key_id");
            }
            for (Future<AccessToken> f : exchanges) {
                assertThat(f.get(60, TimeUnit.SECONDS).accessToken()).isNotBlank();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void everyFieldOfALoginReportIsBounded() {
        Map<String, Object> good = new LinkedHashMap<>(Map.of(
                "type",
                "login",
                "user",
                "wl_deployer",
                "serial",
                "12345",
                "key_id",
                "keyless:acme:deployer:00000000-0000-4000-8000-000000000000",
                "source_address",
                "192.0.2.1"));
        Map<String, Object> bad = Map.of(
                "type", "admin",
                "user", "wl_" + "x".repeat(40),
                "serial", "1".repeat(21),
                "key_id", "k".repeat(257),
                "source_address", "a".repeat(256));
        for (Map.Entry<String, Object> field : bad.entrySet()) {
            Map<String, Object> report = new LinkedHashMap<>(good);
            report.put(field.getKey(), field.getValue());
            Api.Response r = agent.call("POST", T + "/agents/logins", report);
            assertThat(r.status()).as(field.getKey() + ": " + r.body()).isEqualTo(400);
            assertThat(r.json().get("errors").get(0).get("field").asText()).isEqualTo(field.getKey());
        }
        assertThat(agent.call("POST", T + "/agents/logins", good).status()).isEqualTo(204);
    }

    @Test
    void enrolmentAnswersAlikeForUnknownServersAndWrongTokens() throws Exception {
        team.server("web-03", 22, Map.of("env", "test"));
        String used = api.post(T + "/servers/web-03/enrollment-tokens", team.devops, null)
                .json()
                .get("token")
                .asText();
        TestAgent fresh = new TestAgent(service.uri(), RunningService.TEAM, "web-03");
        Path hostKey = SshKeygen.generate(dir, "host-alike", "ed25519", 0, "host");
        String host = Files.readString(Path.of(hostKey + ".pub")).trim();
        assertThat(fresh.call("POST", T + "/agents/enroll", enrolment("web-03", used, fresh, host), null)
                        .status())
                .isEqualTo(201);

        String unknownToken = "kle_" + "A".repeat(43);
        List<Map<String, Object>> attempts = List.of(
                enrolment("no-such-server", unknownToken, fresh, host),
                enrolment("no-such-server", used, fresh, host),
                enrolment("web-03", unknownToken, fresh, host),
                enrolment("web-03", used, fresh, host));
        List<Api.Response> answers = new ArrayList<>();
        List<Long> medians = new ArrayList<>();
        for (Map<String, Object> attempt : attempts) {
            List<Long> took = new ArrayList<>();
            Api.Response answer = null;
            for (int i = 0; i < 7; i++) {
                long started = System.nanoTime();
                answer = fresh.call("POST", T + "/agents/enroll", attempt, null);
                took.add(System.nanoTime() - started);
            }
            answers.add(answer);
            medians.add(took.stream().sorted().toList().get(3) / 1_000_000);
        }
        Api.Response first = answers.get(0);
        assertThat(first.status()).isEqualTo(401);
        assertThat(first.slug()).isEqualTo("enrollment-token-invalid");
        for (Api.Response answer : answers) {
            assertThat(answer.status()).isEqualTo(first.status());
            assertThat(answer.body()).isEqualTo(first.body());
        }
        long fastest = medians.stream().min(Long::compare).orElseThrow();
        long slowest = medians.stream().max(Long::compare).orElseThrow();
        assertThat(slowest).as("median ms per case %s", medians).isLessThan(fastest * 10 + 20);
        // An unknown team answers the same way.
        Api.Response noTeam = fresh.call(
                "POST", "/v1/teams/no-such-team/agents/enroll", enrolment("web-03", unknownToken, fresh, host), null);
        assertThat(noTeam.body()).isEqualTo(first.body());
    }

    private static Map<String, Object> enrolment(String server, String token, TestAgent agent, String hostKey) {
        return Map.of(
                "server",
                server,
                "enrollment_token",
                token,
                "agent_public_key",
                agent.publicKeyLine(),
                "host_public_key",
                hostKey);
    }
}

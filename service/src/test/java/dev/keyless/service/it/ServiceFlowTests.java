package dev.keyless.service.it;

import static dev.keyless.testkit.service.TeamSetup.T;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keyless.client.KeylessClient;
import dev.keyless.client.KeylessProblemException;
import dev.keyless.protocol.SessionState;
import dev.keyless.protocol.WorkloadRequests.AccessToken;
import dev.keyless.protocol.WorkloadRequests.CertificateResponse;
import dev.keyless.testkit.SshKeygen;
import dev.keyless.testkit.service.Api;
import dev.keyless.testkit.service.TeamSetup;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** The whole governed flow over real HTTP, run once per database by the subclasses. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class ServiceFlowTests {
    RunningService service;
    TeamSetup team;
    KeylessClient client;
    Api api;

    @TempDir
    Path keys;

    abstract TestDatabase database();

    @BeforeAll
    void start() throws Exception {
        service = RunningService.start(database());
        team = new TeamSetup(service.uri(), service.bootstrapToken()).standard();
        client = KeylessClient.create(service.uri(), RunningService.TEAM);
        api = team.api;
    }

    @AfterAll
    void stop() throws Exception {
        if (team != null) {
            team.close();
        }
        if (service != null) {
            service.close();
        }
    }

    String publicKey(String name) throws Exception {
        Path key = SshKeygen.generate(keys, name, "ed25519", 0, "job");
        return Files.readString(Path.of(key + ".pub")).trim();
    }

    @Test
    void exchangesTokenAndIssuesCertificateForTheRolePrincipalOnly() throws Exception {
        AccessToken access = client.authenticate("github", team.githubToken(), null);
        assertThat(access.role()).isEqualTo("deployer");
        assertThat(access.principal()).isEqualTo("wl_deployer");
        assertThat(access.tokenType()).isEqualTo("Bearer");
        assertThat(access.expiresIn()).isEqualTo(300);

        CertificateResponse cert = client.requestCertificate(access.accessToken(), "web-01", publicKey("flow"));
        assertThat(cert.principal()).isEqualTo("wl_deployer");
        assertThat(cert.state()).isEqualTo(SessionState.READY);
        assertThat(cert.server().port()).isEqualTo(22);
        assertThat(cert.hostCaPublicKeys()).hasSize(1).allMatch(k -> k.startsWith("ssh-ed25519 "));
        assertThat(java.time.Duration.between(cert.validAfter(), cert.validBefore())
                        .toSeconds())
                .isEqualTo(630);

        Path certFile = keys.resolve("flow-cert.pub");
        Files.writeString(certFile, cert.certificate() + "\n");
        String listing = SshKeygen.listCertificate(certFile).stdout();
        assertThat(listing)
                .contains("Type: ssh-ed25519-cert-v01@openssh.com user certificate")
                .contains("Key ID: \"keyless:acme:deployer:" + cert.sessionId() + ":13245678901\"")
                .containsPattern("Principals: \\n\\s+wl_deployer\\n\\s+Critical Options: \\(none\\)")
                .contains("permit-pty");
    }

    @Test
    void refusesReplayOfTheSamePlatformToken() {
        String token = team.githubToken();
        client.authenticate("github", token, null);
        assertThatThrownBy(() -> client.authenticate("github", token, null))
                .isInstanceOfSatisfying(
                        KeylessProblemException.class,
                        e -> assertThat(e.problem().check()).isEqualTo("token-replayed"));
    }

    @Test
    void refusesConcurrentReplaysExceptOne() throws Exception {
        String token = team.githubToken();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<Boolean>> attempts = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                attempts.add(pool.submit(() -> {
                    try {
                        client.authenticate("github", token, null);
                        return true;
                    } catch (KeylessProblemException e) {
                        assertThat(e.problem().check()).isEqualTo("token-replayed");
                        return false;
                    }
                }));
            }
            long won = 0;
            for (Future<Boolean> f : attempts) {
                won += f.get() ? 1 : 0;
            }
            assertThat(won).isEqualTo(1);
        } finally {
            pool.shutdown();
        }
    }

    @Test
    void sessionsCanBeReadAndClosedIdempotently() throws Exception {
        AccessToken access = client.authenticate("github", team.githubToken(), null);
        CertificateResponse cert = client.requestCertificate(access.accessToken(), "web-01", publicKey("close"));
        assertThat(client.session(access.accessToken(), cert.sessionId()).state())
                .isEqualTo(SessionState.READY);
        assertThat(client.closeSession(access.accessToken(), cert.sessionId()).state())
                .isEqualTo(SessionState.CLOSED);
        assertThat(client.closeSession(access.accessToken(), cert.sessionId()).state())
                .isEqualTo(SessionState.CLOSED);
    }

    @Test
    void aJobThatOutlivedItsAccessTokenCanStillCloseItsSession() throws Exception {
        AccessToken normal = client.authenticate("github", team.githubToken(), null);
        var tokens = service.context().getBean(dev.keyless.service.workload.AccessTokens.class);
        var claims = tokens.verifier().verify(normal.accessToken(), RunningService.TEAM);
        String shortLived = tokens.issuer()
                .issue(new dev.keyless.service.accesstoken.AccessTokenRequest(
                        claims.team(),
                        claims.connection(),
                        claims.role(),
                        claims.subject(),
                        claims.connectionGeneration(),
                        claims.roleGeneration(),
                        claims.runId(),
                        java.time.Duration.ofSeconds(2)))
                .token();
        CertificateResponse cert = client.requestCertificate(shortLived, "web-01", publicKey("outlived"));
        Thread.sleep(2_500);
        assertThatThrownBy(() -> client.session(shortLived, cert.sessionId()))
                .isInstanceOfSatisfying(
                        KeylessProblemException.class,
                        e -> assertThat(e.problem().check()).isEqualTo("access-token-expired"));
        assertThat(client.closeSession(shortLived, cert.sessionId()).state()).isEqualTo(SessionState.CLOSED);
    }

    @Test
    void refusesServersNoPolicyGrants() throws Exception {
        team.server("db-01", 22, Map.of("env", "staging"));
        AccessToken access = client.authenticate("github", team.githubToken(), null);
        String key = publicKey("denied");
        assertThatThrownBy(() -> client.requestCertificate(access.accessToken(), "db-01", key))
                .isInstanceOfSatisfying(
                        KeylessProblemException.class,
                        e -> assertThat(e.problem().check()).isEqualTo("policy-denied"));
        assertThatThrownBy(() -> client.requestCertificate(access.accessToken(), "nope", key))
                .isInstanceOfSatisfying(
                        KeylessProblemException.class,
                        e -> assertThat(e.problem().check()).isEqualTo("server-not-found"));
    }

    @Test
    void theSessionLimitRefusesTheExtraSessionWithoutWritingItAndAuditsTheRefusal() throws Exception {
        team.role("limited", "github", Map.of("repository", "acme-corp/limited-svc"));
        Api.Response created = api.post(
                T + "/policies",
                team.security,
                Map.of(
                        "name", "limited",
                        "roles", List.of("limited"),
                        "servers", Map.of("names", List.of("web-01")),
                        "sudo", List.of(),
                        "session_ttl_seconds", 600,
                        "max_concurrent_sessions", 1,
                        "source_addresses", List.of("10.0.0.0/8", "127.0.0.1")));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        String token = team.githubToken(Map.of("repository", "acme-corp/limited-svc"));
        AccessToken access = client.authenticate("github", token, null);
        String key = publicKey("limited");

        CertificateResponse first = client.requestCertificate(access.accessToken(), "web-01", key);
        Path certFile = keys.resolve("limited-cert.pub");
        Files.writeString(certFile, first.certificate() + "\n");
        assertThat(SshKeygen.listCertificate(certFile).stdout())
                .containsPattern("Critical Options: \\n\\s+source-address 10.0.0.0/8,127.0.0.1");
        assertThatThrownBy(() -> client.requestCertificate(access.accessToken(), "web-01", key))
                .isInstanceOfSatisfying(
                        KeylessProblemException.class,
                        e -> assertThat(e.problem().check()).isEqualTo("session-limit-reached"));
        assertThat(liveSessions("limited")).isEqualTo(1);

        JsonNode events = api.get(T + "/audit?type=ssh.certificate.issue&role=limited", team.auditor)
                .json()
                .get("events");
        // the client retries a 429, so the refusal may be audited more than once
        assertThat(events.findValuesAsText("outcome"))
                .containsOnlyOnce("success")
                .contains("failure");
        for (JsonNode event : events) {
            boolean refused = event.get("outcome").asText().equals("failure");
            assertThat(event.get("server").asText()).isEqualTo("web-01");
            assertThat(event.get("actor_type").asText()).isEqualTo("workload");
            assertThat(event.path("reason").asText(null)).isEqualTo(refused ? "session-limit-reached" : null);
            assertThat(event.path("session_id").asText(null)).isEqualTo(refused ? null : first.sessionId());
            assertThat(event.path("details").size()).isEqualTo(refused ? 0 : 3);
        }

        client.closeSession(access.accessToken(), first.sessionId());
        assertThat(client.requestCertificate(access.accessToken(), "web-01", key)
                        .state())
                .isEqualTo(SessionState.READY);
    }

    private long liveSessions(String role) throws Exception {
        try (Connection c = service.jdbc();
                java.sql.PreparedStatement s = c.prepareStatement(
                        "SELECT COUNT(*) FROM ssh_session WHERE role = ? AND state IN ('PENDING', 'READY')")) {
            s.setString(1, role);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    @Test
    void devopsMayEditDraftsButNotActiveConnections() {
        Api.Response draft = api.post(T + "/connections", team.devops, team.connectionSpec("lock"));
        assertThat(draft.json().get("state").asText()).isEqualTo("DRAFT");
        assertThat(api.post(T + "/connections/lock/activate", team.devops, null).slug())
                .isEqualTo("admin-forbidden");
        assertThat(api.put(T + "/connections/lock", team.devops, team.connectionSpec("lock"))
                        .status())
                .isEqualTo(200);
        assertThat(api.post(T + "/connections/lock/activate", team.securityTwo, null)
                        .status())
                .isEqualTo(200);
        Api.Response edit = api.put(T + "/connections/lock", team.devops, team.connectionSpec("lock"));
        assertThat(edit.status()).isEqualTo(409);
        assertThat(edit.slug()).isEqualTo("connection-locked");
        assertThat(edit.json().get("state").asText()).isEqualTo("ACTIVE");
        assertThat(api.delete(T + "/connections/lock", team.devops).slug()).isEqualTo("connection-locked");
        assertThat(api.post(T + "/connections/lock/deactivate", team.devops, null)
                        .slug())
                .isEqualTo("admin-forbidden");
        assertThat(api.put(T + "/connections/lock", team.security, team.connectionSpec("lock"))
                        .status())
                .isEqualTo(200);
    }

    @Test
    void theCreatorCannotActivateTheirOwnConnection() {
        api.post(T + "/connections", team.security, team.connectionSpec("selfmade"));
        Api.Response r = api.post(T + "/connections/selfmade/activate", team.security, null);
        assertThat(r.status()).isEqualTo(403);
        assertThat(r.slug()).isEqualTo("approval-forbidden");
        assertThat(r.json().get("detail").asText()).contains("approver-is-proposer");
    }

    @Test
    void deactivationRetiresAccessTokensEvenAfterReactivation() throws Exception {
        team.activeConnection("cycle");
        team.role("cycler", "cycle", Map.of("repository", "acme-corp/deploy-svc"));
        team.policy("cycle", List.of("cycler"), Map.of("names", List.of("web-01")), List.of());
        AccessToken access = client.authenticate("cycle", team.githubToken(), null);
        String key = publicKey("cycle");
        client.requestCertificate(access.accessToken(), "web-01", key);

        assertThat(api.post(T + "/connections/cycle/deactivate", team.security, null)
                        .status())
                .isEqualTo(200);
        assertThatThrownBy(() -> client.authenticate("cycle", team.githubToken(), null))
                .isInstanceOfSatisfying(
                        KeylessProblemException.class,
                        e -> assertThat(e.problem().check()).isEqualTo("connection-not-active"));
        // Reactivation takes a security admin who could have approved the settings: not the
        // bootstrap admin, which created the devops admin that proposed them.
        assertThat(api.post(T + "/connections/cycle/activate", team.securityTwo, null)
                        .status())
                .isEqualTo(200);
        assertThatThrownBy(() -> client.requestCertificate(access.accessToken(), "web-01", key))
                .isInstanceOfSatisfying(
                        KeylessProblemException.class,
                        e -> assertThat(e.problem().check()).isEqualTo("access-token-revoked"));
        AccessToken fresh = client.authenticate("cycle", team.githubToken(), null);
        assertThat(client.requestCertificate(fresh.accessToken(), "web-01", key).principal())
                .isEqualTo("wl_cycler");
    }

    @Test
    void deletingThePolicyRetiresTheRolesAccessTokens() throws Exception {
        team.role("temp", "github", Map.of("repository", "acme-corp/temp-svc"));
        team.policy("temp", List.of("temp"), Map.of("names", List.of("web-01")), List.of());
        AccessToken access =
                client.authenticate("github", team.githubToken(Map.of("repository", "acme-corp/temp-svc")), null);
        assertThat(api.delete(T + "/policies/temp", team.security).status()).isEqualTo(204);
        String key = publicKey("temp");
        assertThatThrownBy(() -> client.requestCertificate(access.accessToken(), "web-01", key))
                .isInstanceOfSatisfying(
                        KeylessProblemException.class,
                        e -> assertThat(e.problem().check()).isEqualTo("access-token-revoked"));
    }

    @Test
    void auditRecordsRefusalsAndTheChainVerifiesUntilTampered() throws Exception {
        client.authenticate("github", team.githubToken(), null);
        assertThatThrownBy(() -> client.authenticate("github", team.githubToken(Map.of("ref", "refs/heads/dev")), null))
                .isInstanceOf(KeylessProblemException.class);
        JsonNode failures = api.get(T + "/audit?type=workload.authenticate&limit=1000", team.auditor)
                .json()
                .get("events");
        assertThat(failures.findValuesAsText("reason")).contains("role-not-matched");
        JsonNode success = failures.get(0);
        assertThat(success.get("claims").get("repository").asText()).isEqualTo("acme-corp/deploy-svc");
        assertThat(success.get("claims").get("run_id").asText()).isEqualTo("13245678901");
        assertThat(api.get(T + "/audit", team.devops).slug()).isEqualTo("admin-forbidden");

        JsonNode verified = api.get(T + "/audit/verify", team.auditor).json();
        assertThat(verified.get("valid").asBoolean()).as(verified.toString()).isTrue();
        long checked = verified.get("events_checked").asLong();
        assertThat(checked).isGreaterThan(5);
    }

    @Test
    void auditChainHoldsUnderConcurrentWrites() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(16);
        try {
            List<Future<?>> work = new ArrayList<>();
            for (int i = 0; i < 64; i++) {
                work.add(pool.submit(() -> client.authenticate("github", team.githubToken(), null)));
            }
            for (Future<?> f : work) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }
        JsonNode verified = api.get(T + "/audit/verify", team.security).json();
        assertThat(verified.get("valid").asBoolean()).as(verified.toString()).isTrue();
    }

    @Test
    void verifyFindsAnAlteredEvent() throws Exception {
        client.authenticate("github", team.githubToken(), null);
        try (Connection c = service.jdbc();
                Statement s = c.createStatement()) {
            s.executeUpdate("UPDATE audit_event SET body = REPLACE(body, 'deploy-svc', 'deploy-evil') WHERE seq = ("
                    + "SELECT m FROM (SELECT MAX(seq) AS m FROM audit_event WHERE type = 'workload.authenticate'"
                    + " AND outcome = 'success') x)");
            JsonNode broken = api.get(T + "/audit/verify", team.auditor).json();
            assertThat(broken.get("valid").asBoolean()).isFalse();
            assertThat(broken.get("detail").asText()).contains("was altered");
            s.executeUpdate("UPDATE audit_event SET body = REPLACE(body, 'deploy-evil', 'deploy-svc')");
        }
        assertThat(api.get(T + "/audit/verify", team.auditor)
                        .json()
                        .get("valid")
                        .asBoolean())
                .isTrue();
    }

    @Test
    void verifyFindsADeletedEvent() throws Exception {
        client.authenticate("github", team.githubToken(), null);
        client.authenticate("github", team.githubToken(), null);
        assertThat(api.get(T + "/audit/verify", team.auditor)
                        .json()
                        .get("valid")
                        .asBoolean())
                .isTrue();
        try (Connection c = service.jdbc();
                Statement s = c.createStatement()) {
            long gap;
            List<Object> row = new ArrayList<>();
            try (ResultSet rs = s.executeQuery("SELECT * FROM audit_event WHERE seq = (SELECT MAX(seq) - 1 FROM"
                    + " audit_event WHERE seq IS NOT NULL)")) {
                assertThat(rs.next()).isTrue();
                gap = rs.getLong("seq");
                for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                    row.add(rs.getObject(i));
                }
            }
            s.executeUpdate("DELETE FROM audit_event WHERE seq = " + gap);
            JsonNode broken = api.get(T + "/audit/verify", team.auditor).json();
            assertThat(broken.get("valid").asBoolean()).isFalse();
            assertThat(broken.get("first_broken_seq").asLong()).isEqualTo(gap);
            assertThat(broken.get("detail").asText()).isEqualTo("event " + gap + " is missing");
            String marks = String.join(", ", java.util.Collections.nCopies(row.size(), "?"));
            try (java.sql.PreparedStatement restore =
                    c.prepareStatement("INSERT INTO audit_event VALUES (" + marks + ")")) {
                for (int i = 0; i < row.size(); i++) {
                    restore.setObject(i + 1, row.get(i));
                }
                restore.executeUpdate();
            }
        }
        assertThat(api.get(T + "/audit/verify", team.auditor)
                        .json()
                        .get("valid")
                        .asBoolean())
                .isTrue();
    }
}

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
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The admin calls the CLI's {@code keyless admin} needs beyond the original API: teams (operator
 * token or a bootstrap-team security admin), server update and delete (ending the sessions that
 * lose access), live sessions per role and server, and the admin list. The real service on H2
 * and on MariaDB.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class AdminApiTests {
    static final String OPERATOR = "kop_0123456789abcdef0123456789abcdef";

    RunningService service;
    TeamSetup team;
    Api api;
    KeylessClient client;
    Path dir;

    abstract TestDatabase database();

    @BeforeAll
    void start() throws Exception {
        dir = Files.createTempDirectory("admin-api");
        service = RunningService.start(database(), Map.of("keyless.operator-token", OPERATOR));
        team = new TeamSetup(service.uri(), service.bootstrapToken()).standard();
        api = team.api;
        client = KeylessClient.create(service.uri(), RunningService.TEAM);
    }

    @AfterAll
    void stop() throws Exception {
        team.close();
        service.close();
    }

    @Test
    void theOperatorCreatesATeamWhoseFirstAdminWorksOnlyThere() {
        Api.Response r = api.post("/v1/teams", OPERATOR, Map.of("name", "beta", "admin", "alice"));
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        String token = r.json().get("admin").get("token").asText();
        assertThat(r.json().get("admin").get("role").asText()).isEqualTo("security_admin");

        assertThat(api.get("/v1/teams/beta/connections", token).status()).isEqualTo(200);
        assertThat(api.get("/v1/teams/beta/ca/user", null).status()).isEqualTo(200);
        assertThat(api.get(T + "/connections", token).status())
                .as("another team")
                .isEqualTo(401);
        JsonNode created =
                api.get("/v1/teams/beta/audit?type=team.create", token).json().get("events");
        assertThat(created).hasSize(1);
        assertThat(created.get(0).get("actor_type").asText()).isEqualTo("operator");
        assertThat(api.get("/v1/teams", OPERATOR).body()).contains("\"beta\"", "\"acme\"");
    }

    @Test
    void whoamiNamesTheTokensOwnTeamAndNothingElse() {
        Api.Response me = api.get("/v1/whoami", team.devops);
        assertThat(me.status()).as(me.body()).isEqualTo(200);
        assertThat(me.json().get("team").asText()).isEqualTo(TeamSetup.TEAM);
        assertThat(me.json().get("name").asText()).isEqualTo("ops");
        assertThat(me.json().get("role").asText()).isEqualTo("devops_admin");
        assertThat(me.body()).doesNotContain(team.devops);

        String zetaAdmin = api.post("/v1/teams", OPERATOR, Map.of("name", "zeta", "admin", "zed"))
                .json()
                .get("admin")
                .get("token")
                .asText();
        Api.Response other = api.get("/v1/whoami", zetaAdmin);
        assertThat(other.json().get("team").asText()).isEqualTo("zeta");
        assertThat(api.get(T + "/roles", zetaAdmin).slug())
                .as("the token still works only in its own team")
                .isEqualTo("admin-unauthenticated");

        for (String notAnAdmin : new String[] {OPERATOR, "kla_nobody", null}) {
            Api.Response r = api.get("/v1/whoami", notAnAdmin);
            assertThat(r.status()).isEqualTo(401);
            assertThat(r.slug()).isEqualTo("admin-unauthenticated");
        }
    }

    @Test
    void aBootstrapSecurityAdminMayCreateATeamButNoOtherAdmin() {
        Api.Response r = api.post("/v1/teams", team.security, Map.of("name", "gamma"));
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        assertThat(r.json().get("admin").get("name").asText()).isEqualTo("bootstrap");

        assertThat(api.post("/v1/teams", team.devops, Map.of("name", "delta")).slug())
                .isEqualTo("admin-forbidden");
        String gammaAdmin = r.json().get("admin").get("token").asText();
        assertThat(api.post("/v1/teams", gammaAdmin, Map.of("name", "delta")).slug())
                .as("a security admin of a non-bootstrap team")
                .isEqualTo("admin-unauthenticated");
        assertThat(api.post("/v1/teams", null, Map.of("name", "delta")).status())
                .isEqualTo(401);
        assertThat(api.post("/v1/teams", OPERATOR, Map.of("name", "gamma")).slug())
                .isEqualTo("already-exists");
        assertThat(api.post("/v1/teams", OPERATOR, Map.of("name", "../x")).slug())
                .isEqualTo("invalid-request");
        assertThat(api.post("/v1/teams", OPERATOR, Map.of("name", "x".repeat(300)))
                        .status())
                .isEqualTo(400);
        assertThat(api.post("/v1/teams", OPERATOR, Map.of("name", "epsilon", "admin", "system"))
                        .slug())
                .isEqualTo("invalid-request");
    }

    @Test
    void updatingAServersLabelsRevokesTheSessionsThatLostAccess() throws Exception {
        team.server("web-07", 22, Map.of("env", "prod"));
        String id = certificate("web-07").sessionId();
        assertThat(live("?server=web-07")).containsExactly(id);

        Api.Response same = api.put(
                T + "/servers/web-07",
                team.devops,
                Map.of("address", "127.0.0.2", "port", 2222, "labels", Map.of("env", "prod")));
        assertThat(same.status()).as(same.body()).isEqualTo(200);
        assertThat(same.json().get("address").asText()).isEqualTo("127.0.0.2");
        assertThat(live("?server=web-07")).as("still granted").containsExactly(id);

        Api.Response moved = api.put(
                T + "/servers/web-07", team.devops, Map.of("address", "127.0.0.2", "labels", Map.of("env", "dev")));
        assertThat(moved.status()).as(moved.body()).isEqualTo(200);
        assertThat(live("?server=web-07")).isEmpty();
        assertThat(api.get(T + "/audit?type=server.update&server=web-07", team.auditor)
                        .json()
                        .get("events"))
                .hasSize(2);
        assertThat(api.put(T + "/servers/web-07", team.devops, Map.of("name", "web-08", "address", "127.0.0.1"))
                        .slug())
                .isEqualTo("invalid-request");
        assertThat(api.put(T + "/servers/nope", team.devops, Map.of("address", "127.0.0.1"))
                        .status())
                .isEqualTo(404);
        assertThat(api.put(T + "/servers/web-07", team.auditor, Map.of("address", "127.0.0.1"))
                        .slug())
                .isEqualTo("admin-forbidden");
    }

    @Test
    void deletingAServerEndsItsSessionsAndRefusesNewOnes() throws Exception {
        team.server("web-09", 22, Map.of("env", "prod"));
        String id = certificate("web-09").sessionId();
        String other = certificate("web-01").sessionId();

        assertThat(api.delete(T + "/servers/web-09", team.devops).status()).isEqualTo(204);

        assertThat(live("")).contains(other).doesNotContain(id);
        assertThat(api.get(T + "/servers/web-09", team.devops).status()).isEqualTo(404);
        assertThat(api.delete(T + "/servers/web-09", team.devops).status()).isEqualTo(404);
        assertThat(api.delete(T + "/servers/" + "x".repeat(200), team.devops).status())
                .isEqualTo(404);
        assertThat(api.get(T + "/audit?type=session.revoke&session=" + id, team.auditor)
                        .json()
                        .get("events"))
                .hasSize(1);
        assertThat(api.get(T + "/audit?type=server.delete&server=web-09", team.auditor)
                        .json()
                        .get("events"))
                .hasSize(1);
    }

    @Test
    void liveSessionsListByRoleAndServerForAdminsOnly() throws Exception {
        String id = certificate("web-01").sessionId();
        assertThat(live("?role=deployer&server=web-01")).contains(id);
        assertThat(live("?role=nobody")).isEmpty();
        JsonNode first = api.get(T + "/sessions", team.auditor).json().get(0);
        assertThat(first.has("principal")).isTrue();
        assertThat(first.toString()).doesNotContain("access_token");
        assertThat(api.get(T + "/sessions", null).status()).isEqualTo(401);
    }

    @Test
    void adminsAreListedWithoutTokens() {
        Api.Response r = api.get(T + "/admins", team.auditor);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.body()).contains("\"bootstrap\"", "\"sec-two\"", "\"devops_admin\"");
        assertThat(r.body()).doesNotContain(team.security, team.devops, "token");
        assertThat(api.get(T + "/admins", team.devops).slug()).isEqualTo("admin-forbidden");
    }

    private List<String> live(String query) {
        Api.Response r = api.get(T + "/sessions" + query, team.security);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return StreamSupport.stream(r.json().spliterator(), false)
                .map(s -> s.get("session_id").asText())
                .toList();
    }

    private CertificateResponse certificate(String server) throws Exception {
        AccessToken access = client.authenticate("github", team.githubToken(), "deployer");
        Path key = SshKeygen.generate(dir, "job-" + System.nanoTime(), "ed25519", 0, "job");
        return client.requestCertificate(
                access.accessToken(),
                server,
                Files.readString(Path.of(key + ".pub")).trim());
    }
}

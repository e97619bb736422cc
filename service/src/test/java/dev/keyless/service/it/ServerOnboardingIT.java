package dev.keyless.service.it;

import static dev.keyless.testkit.service.TeamSetup.T;
import static org.assertj.core.api.Assertions.assertThat;

import dev.keyless.client.KeylessClient;
import dev.keyless.testkit.service.Api;
import dev.keyless.testkit.service.TeamSetup;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Onboarding whose cost does not grow with the fleet: creating a server leaves the team's
 * configuration version (the key of every configuration cache) alone, and a server created after
 * the caches were filled is still found by name; {@code POST /servers/bulk} creates many in one
 * transaction, all or none, each audited.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ServerOnboardingIT {
    static final String BULK = T + "/servers/bulk";

    RunningService service;
    TeamSetup team;
    Path dir;

    @BeforeAll
    void start() throws Exception {
        service = RunningService.start(TestDatabase.H2);
        team = new TeamSetup(service.uri(), service.bootstrapToken()).standard();
        dir = Files.createTempDirectory("server-onboarding-it");
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

    @Test
    void creatingAServerKeepsTheConfigurationVersionAndTheNewServerIsFoundAtOnce() throws Exception {
        KeylessClient client = KeylessClient.create(service.uri(), RunningService.TEAM);
        // The certificate request fills the team's server cache at the current version.
        assertThat(AgentApiIT.certificate(client, team, dir, "web-01").sessionId())
                .isNotBlank();
        long before = configVersion();

        team.server("web-new", 22, Map.of("env", "prod"));
        assertThat(configVersion())
                .as("a new server changes no earlier decision")
                .isEqualTo(before);
        assertThat(AgentApiIT.certificate(client, team, dir, "web-new").sessionId())
                .as("found by name although the cached list predates it")
                .isNotBlank();
        Api.Response token = team.api.post(T + "/servers/web-new/enrollment-tokens", team.devops, null);
        assertThat(token.status()).as(token.body()).isEqualTo(201);

        Api.Response deleted = team.api.delete(T + "/servers/web-new", team.devops);
        assertThat(deleted.status()).as(deleted.body()).isEqualTo(204);
        assertThat(configVersion())
                .as("a delete revokes access, so it moves the version")
                .isGreaterThan(before);
    }

    @Test
    void bulkCreatesAllInOrderEachAudited() {
        List<Map<String, Object>> specs = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            specs.add(Map.of("name", "bulk-" + i, "address", "10.0.0." + (i + 1), "labels", Map.of("env", "bulk")));
        }
        Api.Response r = team.api.post(BULK, team.devops, Map.of("servers", specs));
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        assertThat(r.json().findValuesAsText("name")).hasSize(50).startsWith("bulk-0", "bulk-1");
        assertThat(r.json().get(0).get("port").asInt()).isEqualTo(22);
        Api.Response audit = team.api.get(T + "/audit?type=server.create&server=bulk-49", team.auditor);
        assertThat(audit.json().get("events")).hasSize(1);
        Api.Response listed = team.api.post(
                T + "/servers/enrollment-tokens",
                team.devops,
                Map.of("selector", Map.of("labels", Map.of("env", "bulk"))));
        assertThat(listed.json()).hasSize(50);
    }

    @Test
    void anUpdateOrDeleteIsSeenAtOnceByTheNextCertificateRequest() throws Exception {
        KeylessClient client = KeylessClient.create(service.uri(), RunningService.TEAM);
        team.server("web-moved", 22, Map.of("env", "prod"));
        assertThat(AgentApiIT.certificate(client, team, dir, "web-moved")
                        .server()
                        .port())
                .as("fills the cache at the current version")
                .isEqualTo(22);

        Api.Response moved = team.api.put(
                T + "/servers/web-moved",
                team.devops,
                Map.of("address", "127.0.0.2", "port", 2200, "labels", Map.of("env", "prod")));
        assertThat(moved.status()).as(moved.body()).isEqualTo(200);
        var after = AgentApiIT.certificate(client, team, dir, "web-moved").server();
        assertThat(after.address()).isEqualTo("127.0.0.2");
        assertThat(after.port()).isEqualTo(2200);

        assertThat(team.api.delete(T + "/servers/web-moved", team.devops).status())
                .isEqualTo(204);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> AgentApiIT.certificate(client, team, dir, "web-moved"))
                .isInstanceOf(dev.keyless.client.KeylessProblemException.class)
                .hasMessageContaining("server-not-found");
    }

    @Test
    void bulkTakesAThousandServersWithLabelsPastTheUsualBodyLimit() {
        List<Map<String, Object>> specs = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            specs.add(Map.of(
                    "name",
                    "thousand-" + i,
                    "address",
                    "host-" + i + ".rack-" + (i % 40) + ".dc-1.example.internal",
                    "labels",
                    Map.of("env", "thousand", "rack", "rack-" + (i % 40), "tier", "web", "chunk", "thousand")));
        }
        Api.Response r = team.api.post(BULK, team.devops, Map.of("servers", specs));
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        assertThat(r.json().size()).isEqualTo(1000);

        specs.add(Map.of("name", "thousand-1000", "address", "10.9.0.1"));
        Api.Response tooMany = team.api.post(BULK, team.devops, Map.of("servers", specs));
        assertThat(tooMany.slug()).as(tooMany.body()).isEqualTo("invalid-request");
        Api.Response tooLarge =
                team.api.post(BULK, team.devops, Map.of("servers", List.of(Map.of("name", "x".repeat(1100 * 1024)))));
        assertThat(tooLarge.status()).isEqualTo(413);
        assertThat(tooLarge.slug()).isEqualTo("body-too-large");
    }

    @Test
    void bulkIsAllOrNothing() {
        team.server("taken-1", 22, Map.of());
        Api.Response exists = team.api.post(
                BULK,
                team.devops,
                Map.of(
                        "servers",
                        List.of(
                                Map.of("name", "fresh-1", "address", "10.1.0.1"),
                                Map.of("name", "taken-1", "address", "10.1.0.2"))));
        assertThat(exists.status()).as(exists.body()).isEqualTo(409);
        assertThat(exists.slug()).isEqualTo("already-exists");
        assertThat(team.api.get(T + "/servers/fresh-1", team.devops).status())
                .as("rolled back")
                .isEqualTo(404);

        Api.Response invalid = team.api.post(
                BULK,
                team.devops,
                Map.of(
                        "servers",
                        List.of(
                                Map.of("name", "fresh-2", "address", "10.1.0.3"),
                                Map.of("name", "fresh-2", "address", "10.1.0.4"),
                                Map.of("name", "fresh-3", "address", "not an address!"))));
        assertThat(invalid.status()).as(invalid.body()).isEqualTo(400);
        assertThat(invalid.json().get("errors").findValuesAsText("field"))
                .containsExactlyInAnyOrder("servers[1].name", "servers[2].address");

        Api.Response empty = team.api.post(BULK, team.devops, Map.of("servers", List.of()));
        assertThat(empty.slug()).isEqualTo("invalid-request");
        Api.Response auditor = team.api.post(
                BULK, team.auditor, Map.of("servers", List.of(Map.of("name", "fresh-3", "address", "10.1.0.4"))));
        assertThat(auditor.status()).isEqualTo(403);
    }

    private long configVersion() throws Exception {
        try (Connection c = service.jdbc();
                ResultSet rs = c.createStatement()
                        .executeQuery("SELECT config_version FROM team WHERE name = '" + RunningService.TEAM + "'")) {
            rs.next();
            return rs.getLong(1);
        }
    }
}

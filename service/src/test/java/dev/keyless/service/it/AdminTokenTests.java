package dev.keyless.service.it;

import static dev.keyless.testkit.service.TeamSetup.T;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keyless.testkit.service.Api;
import dev.keyless.testkit.service.TeamSetup;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Admin API tokens with a lifecycle, through the real service on H2 and on MariaDB: named,
 * expiring within the team's lifetimes, listed with their last use, revoked; expired and revoked
 * tokens refused with the problem that names the check; creation and revocation audited.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class AdminTokenTests {
    RunningService service;
    TeamSetup team;
    Api api;

    abstract TestDatabase database();

    @BeforeAll
    void start() throws Exception {
        service = RunningService.start(database());
        team = new TeamSetup(service.uri(), service.bootstrapToken());
        api = team.api;
    }

    @AfterAll
    void stop() throws Exception {
        team.close();
        service.close();
    }

    @Test
    void anAdminMintsANamedTokenThatExpiresByTheTeamDefault() {
        Api.Response r = api.post(T + "/admin-tokens", team.devops, Map.of("name", "deploy-bot"));
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        JsonNode created = r.json();
        String token = created.get("token").asText();
        assertThat(token).startsWith("kla_");
        assertThat(created.get("admin").asText()).isEqualTo("ops");
        Instant expires = Instant.parse(created.get("expires_at").asText());
        Instant createdAt = Instant.parse(created.get("created_at").asText());
        assertThat(expires).isEqualTo(createdAt.plusSeconds(90L * 24 * 3600));

        assertThat(api.get(T + "/connections", token).status()).isEqualTo(200);
        JsonNode mine = tokens(team.devops, "");
        JsonNode bot = find(mine, created.get("id").asText());
        assertThat(bot.get("state").asText()).isEqualTo("active");
        assertThat(bot.get("last_used_at")).as("used just now").isNotNull();
        assertThat(bot.has("token")).isFalse();
        assertThat(mine.toString()).doesNotContain(token);

        assertThat(api.post(T + "/admin-tokens", team.devops, Map.of("name", "deploy-bot"))
                        .slug())
                .isEqualTo("already-exists");
        JsonNode audited = api.get(T + "/audit?type=admin.token.create", team.auditor)
                .json()
                .get("events");
        assertThat(audited.toString())
                .contains(created.get("id").asText(), "deploy-bot")
                .doesNotContain(token);
    }

    @Test
    void anExpiredTokenIsRefusedNamingTheExpiryCheck() throws Exception {
        Api.Response r = api.post(T + "/admin-tokens", team.devops, Map.of("name", "short", "expires_in_seconds", 1));
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        String token = r.json().get("token").asText();
        Thread.sleep(1200);
        Api.Response refused = api.get(T + "/connections", token);
        assertThat(refused.status()).isEqualTo(401);
        assertThat(refused.slug()).isEqualTo("admin-token-expired");
        assertThat(refused.body()).doesNotContain(token);
        assertThat(find(tokens(team.devops, ""), r.json().get("id").asText())
                        .get("state")
                        .asText())
                .isEqualTo("expired");
    }

    @Test
    void aLifetimePastTheTeamMaximumIsRefusedAndTheMaximumIsTheTeams() {
        Api.Response set = api.put(
                T + "/admin-token-policy", team.security, Map.of("default_ttl_seconds", 3600, "max_ttl_seconds", 7200));
        assertThat(set.status()).as(set.body()).isEqualTo(200);
        assertThat(api.put(
                                T + "/admin-token-policy",
                                team.devops,
                                Map.of("default_ttl_seconds", 3600, "max_ttl_seconds", 7200))
                        .slug())
                .isEqualTo("admin-forbidden");
        assertThat(api.post(T + "/admin-tokens", team.devops, Map.of("name", "long", "expires_in_seconds", 7201))
                        .slug())
                .isEqualTo("invalid-request");
        Api.Response r = api.post(T + "/admin-tokens", team.devops, Map.of("name", "hourly"));
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        assertThat(Instant.parse(r.json().get("expires_at").asText()))
                .isEqualTo(Instant.parse(r.json().get("created_at").asText()).plusSeconds(3600));
        assertThat(api.get(T + "/admin-token-policy", team.devops)
                        .json()
                        .get("max_ttl_seconds")
                        .asLong())
                .isEqualTo(7200);
        api.put(
                T + "/admin-token-policy",
                team.security,
                Map.of("default_ttl_seconds", 7776000, "max_ttl_seconds", 31536000));
    }

    @Test
    void aRevokedTokenIsRefusedAndTheRevocationAudited() {
        Api.Response r = api.post(T + "/admin-tokens", team.devops, Map.of("name", "ci"));
        String token = r.json().get("token").asText();
        String id = r.json().get("id").asText();
        assertThat(api.post(T + "/admin-tokens/" + id + "/revoke", team.auditor, Map.of())
                        .slug())
                .as("an auditor revokes no one's token")
                .isEqualTo("admin-forbidden");

        Api.Response revoked = api.post(T + "/admin-tokens/" + id + "/revoke", team.security, Map.of());
        assertThat(revoked.status()).as(revoked.body()).isEqualTo(200);
        assertThat(revoked.json().get("state").asText()).isEqualTo("revoked");
        assertThat(revoked.json().get("revoked_by").asText()).isEqualTo("bootstrap");
        assertThat(api.post(T + "/admin-tokens/" + id + "/revoke", team.security, Map.of())
                        .status())
                .as("again: a no-op")
                .isEqualTo(200);

        Api.Response refused = api.get(T + "/connections", token);
        assertThat(refused.status()).isEqualTo(401);
        assertThat(refused.slug()).isEqualTo("admin-token-revoked");
        JsonNode events = api.get(T + "/audit?type=admin.token.revoke", team.auditor)
                .json()
                .get("events");
        assertThat(events).hasSize(1);
        assertThat(events.toString()).contains(id, "bootstrap");
    }

    @Test
    void onlySecurityAdminsAndAuditorsSeeOtherAdminsTokens() {
        assertThat(api.get(T + "/admin-tokens?admin_name=bootstrap", team.devops)
                        .slug())
                .isEqualTo("admin-forbidden");
        List<String> admins = new ArrayList<>();
        tokens(team.auditor, "").forEach(t -> admins.add(t.get("admin").asText()));
        assertThat(admins).contains("bootstrap", "ops", "audit", "sec-two");
        tokens(team.devops, "").forEach(t -> assertThat(t.get("admin").asText()).isEqualTo("ops"));
        JsonNode boot = tokens(team.security, "?admin_name=bootstrap");
        assertThat(boot).hasSize(1);
        assertThat(boot.get(0).get("name").asText()).isEqualTo("initial");
        assertThat(boot.get(0).get("expires_at"))
                .as("the bootstrap token is for set-up")
                .isNull();
    }

    @Test
    void theTokenHashIsStoredNotTheToken() throws Exception {
        Api.Response r = api.post(T + "/admin-tokens", team.auditor, Map.of("name", "hash-check"));
        String token = r.json().get("token").asText();
        try (Connection c = service.jdbc();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT * FROM admin_token")) {
            while (rs.next()) {
                for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                    assertThat(String.valueOf(rs.getObject(i))).doesNotContain(token);
                }
            }
        }
    }

    private JsonNode tokens(String bearer, String query) {
        Api.Response r = api.get(T + "/admin-tokens" + query, bearer);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json();
    }

    private static JsonNode find(JsonNode list, String id) {
        for (JsonNode t : list) {
            if (t.get("id").asText().equals(id)) {
                return t;
            }
        }
        throw new AssertionError("no token " + id + " in " + list);
    }
}

package dev.keyless.service.it;

import static dev.keyless.testkit.service.TeamSetup.T;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keyless.testkit.TestKeys;
import dev.keyless.testkit.TestTokens;
import dev.keyless.testkit.service.Api;
import dev.keyless.testkit.service.TeamSetup;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The workload's own explain ({@code POST .../workload/explain}, no admin token) and the servers
 * its role may reach ({@code GET .../workload/servers}), over real HTTP on H2: explain reports the
 * caller's own checks, never consumes the token, tells a forged token nothing about claims or
 * roles, names only failed claim names of the hinted role (never expected values), is audited,
 * and is rate-limited.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WorkloadExplainIT {
    static final String EXPLAIN = T + "/workload/explain";

    RunningService service;
    TeamSetup team;
    Api api;

    @BeforeAll
    void start() throws Exception {
        service = RunningService.start(TestDatabase.H2);
        team = new TeamSetup(service.uri(), service.bootstrapToken()).standard();
        api = team.api;
        // A second role on the connection whose conditions a deployer's token must never learn.
        team.role("auditor-bot", "github", Map.of("repository", "acme-corp/secret-audit"));
    }

    @AfterAll
    void stop() throws Exception {
        team.close();
        service.close();
    }

    Api.Response explain(String token, String roleHint) {
        Map<String, Object> body = new HashMap<>(Map.of("connection", "github", "token", token));
        if (roleHint != null) {
            body.put("role_hint", roleHint);
        }
        return api.post(EXPLAIN, null, body);
    }

    static JsonNode check(JsonNode report, String name) {
        for (JsonNode c : report.get("checks")) {
            if (c.get("check").asText().equals(name)) {
                return c;
            }
        }
        return null;
    }

    @Test
    @Order(1)
    void explainDoesNotConsumeTheTokenAndThenSaysItWasExchanged() {
        String token = team.githubToken();
        Api.Response first = explain(token, null);
        assertThat(first.status()).as(first.body()).isEqualTo(200);
        assertThat(first.json().get("ready").asBoolean()).as(first.body()).isTrue();
        assertThat(first.json().get("matching_roles").get(0).asText()).isEqualTo("deployer");
        assertThat(check(first.json(), "replay").get("passed").asBoolean()).isTrue();
        assertThat(first.body()).doesNotContain(token).doesNotContain("secret-audit");

        Api.Response exchange =
                api.post(T + "/workload/authenticate", null, Map.of("connection", "github", "token", token));
        assertThat(exchange.status()).as("explain did not burn the token").isEqualTo(200);

        Api.Response again = explain(token, null);
        assertThat(again.json().get("ready").asBoolean()).isFalse();
        assertThat(check(again.json(), "replay").get("passed").asBoolean()).isFalse();

        String accessToken = exchange.json().get("access_token").asText();
        Api.Response servers = api.get(T + "/workload/servers", accessToken);
        assertThat(servers.status()).as(servers.body()).isEqualTo(200);
        assertThat(servers.json().get(0).get("name").asText()).isEqualTo("web-01");
        assertThat(servers.json().get(0).get("labels").get("env").asText()).isEqualTo("prod");
        assertThat(servers.json().get(0).has("address")).isFalse();
        assertThat(api.get(T + "/workload/servers", null).slug()).isEqualTo("access-token-invalid");
    }

    @Test
    @Order(2)
    void aHintedRoleNamesTheFailedClaimsButNotTheirExpectedValues() {
        Api.Response r = explain(team.githubToken(Map.of("ref", "refs/heads/dev")), "deployer");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        JsonNode role = check(r.json(), "role:deployer");
        assertThat(role.get("passed").asBoolean()).isFalse();
        assertThat(role.get("detail").asText()).isEqualTo("claims that do not match: ref");
        assertThat(r.body()).doesNotContain("refs/heads/main").doesNotContain("secret-audit");
        assertThat(r.json().get("ready").asBoolean()).isFalse();
    }

    @Test
    @Order(3)
    void anotherRolesConditionsAndUnknownRolesTellNothing() {
        Api.Response other = explain(team.githubToken(), "auditor-bot");
        JsonNode role = check(other.json(), "role:auditor-bot");
        assertThat(role.get("detail").asText()).isEqualTo("claims that do not match: repository");
        assertThat(other.body()).doesNotContain("secret-audit");
        Api.Response unknown = explain(team.githubToken(), "nosuchrole");
        assertThat(check(unknown.json(), "role:nosuchrole").get("detail").asText())
                .isEqualTo("no role 'nosuchrole' of this connection");
    }

    @Test
    @Order(4)
    void aForgedTokenLearnsNothingAboutClaimsOrRoles() {
        Map<String, Object> claims =
                TestTokens.claims("github-actions", TeamSetup.ISSUER, "https://probe.example", Instant.now());
        String forged = TestTokens.sign(claims, TestKeys.rsa("gh-key-1"));
        Api.Response r = explain(forged, "deployer");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.json().get("ready").asBoolean()).isFalse();
        assertThat(check(r.json(), "signature").get("passed").asBoolean()).isFalse();
        assertThat(check(r.json(), "audience")).isNull();
        assertThat(check(r.json(), "required-claims")).isNull();
        assertThat(check(r.json(), "role:deployer")).isNull();
        assertThat(r.body()).doesNotContain("keyless.example.com").doesNotContain("acme-corp");
    }

    @Test
    @Order(5)
    void hostileInputGetsTypedProblems() {
        assertThat(api.post(EXPLAIN, null, Map.of("connection", "github")).status())
                .isEqualTo(400);
        assertThat(api.post(EXPLAIN, null, Map.of("connection", "../x", "token", "a.b.c"))
                        .status())
                .isEqualTo(400);
        assertThat(api.post(EXPLAIN, null, Map.of("connection", "nope", "token", "a.b.c"))
                        .slug())
                .isEqualTo("connection-not-found");
        assertThat(explain("x".repeat(20_000), null).slug()).isEqualTo("token-too-large");
    }

    @Test
    @Order(6)
    void explainIsAuditedAndRateLimited() {
        Api.Response audit = api.get(T + "/audit?type=workload.explain", team.security);
        assertThat(audit.status()).as(audit.body()).isEqualTo(200);
        assertThat(audit.json().get("events").size()).isGreaterThanOrEqualTo(5);
        int limited = 0;
        for (int i = 0; i < 12; i++) {
            Api.Response r = explain(team.githubToken(), null);
            assertThat(r.status()).isIn(200, 429);
            if (r.status() == 429) {
                assertThat(r.slug()).isEqualTo("rate-limited");
                limited++;
            }
        }
        assertThat(limited).as("at most 10 a minute from one client").isGreaterThan(0);
    }
}

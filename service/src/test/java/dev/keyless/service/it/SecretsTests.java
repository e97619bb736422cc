package dev.keyless.service.it;

import static dev.keyless.testkit.service.TeamSetup.T;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keyless.client.KeylessClient;
import dev.keyless.service.db.Db;
import dev.keyless.service.sealing.SecretBox;
import dev.keyless.service.secrets.SecretResealer;
import dev.keyless.testkit.service.Api;
import dev.keyless.testkit.service.TeamSetup;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Secrets by policy over real HTTP, once per database: resource admins write, workloads reveal
 * what their policies grant and nothing else, every reveal and refusal is audited without the
 * value, and hostile paths, names and values are refused with problems, never a 5xx.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class SecretsTests {
    RunningService service;
    TeamSetup team;
    Api api;
    KeylessClient client;
    String resources;

    abstract TestDatabase database();

    @BeforeAll
    void start() throws Exception {
        service = RunningService.start(database());
        team = new TeamSetup(service.uri(), service.bootstrapToken()).standard();
        api = team.api;
        client = KeylessClient.create(service.uri(), RunningService.TEAM);
        Api.Response created =
                api.post(T + "/admins", team.security, Map.of("name", "vault", "role", "resource_admin"));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        resources = created.json().get("token").asText();
        team.role("other", "github", Map.of("repository", "acme-corp/other"));
        Api.Response policy = api.post(
                T + "/policies",
                team.security,
                Map.of(
                        "name",
                        "deploy-secrets",
                        "roles",
                        List.of("deployer"),
                        "secrets",
                        List.of(
                                Map.of("path", "/ci/prod/app/*", "actions", List.of("list", "reveal")),
                                Map.of("path", "/ci/shared/**", "actions", List.of("list")))));
        assertThat(policy.status()).as(policy.body()).isEqualTo(201);
        // "other" has a policy (so it can exchange), but no secret grant.
        team.policy("other-ssh", List.of("other"), Map.of("names", List.of("web-01")), List.of());
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

    String deployerToken() {
        return client.authenticate("github", team.githubToken(), null).accessToken();
    }

    String otherToken() {
        return client.authenticate("github", team.githubToken(Map.of("repository", "acme-corp/other")), null)
                .accessToken();
    }

    void folder(String path) {
        Api.Response r = api.post(T + "/secret-folders", resources, Map.of("path", path));
        assertThat(r.status()).as(r.body()).isIn(201, 409);
    }

    Api.Response put(String path, String name, String value) {
        return api.post(T + "/secrets", resources, Map.of("path", path, "name", name, "value", value));
    }

    Api.Response reveal(String token, Object body) {
        return api.post(T + "/secrets/reveal", token, body);
    }

    static String q(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    static String unique() {
        return "v-" + UUID.randomUUID();
    }

    @Test
    void revealsLatestOrAskedVersionToTheGrantedRoleOnly() throws Exception {
        folder("/ci/prod/app");
        String one = unique();
        String two = unique();
        Api.Response v1 = put("/ci/prod/app", "db-password", one);
        assertThat(v1.status()).as(v1.body()).isEqualTo(201);
        assertThat(v1.json().get("version").asLong()).isEqualTo(1);
        assertThat(v1.body()).doesNotContain(one);
        assertThat(put("/ci/prod/app", "db-password", two).json().get("version").asLong())
                .isEqualTo(2);

        String token = deployerToken();
        Api.Response latest = reveal(token, Map.of("path", "/ci/prod/app", "name", "db-password"));
        assertThat(latest.status()).as(latest.body()).isEqualTo(200);
        assertThat(latest.json().get("value").asText()).isEqualTo(two);
        assertThat(latest.json().get("version").asLong()).isEqualTo(2);
        Api.Response first = reveal(token, Map.of("path", "/ci/prod/app", "name", "db-password", "version", 1));
        assertThat(first.json().get("value").asText()).isEqualTo(one);

        Api.Response refused = reveal(otherToken(), Map.of("path", "/ci/prod/app", "name", "db-password"));
        assertThat(refused.status()).isEqualTo(403);
        assertThat(refused.slug()).isEqualTo("secret-denied");
        assertThat(refused.json().get("detail").asText())
                .isEqualTo("No policy grants role 'other' reveal on /ci/prod/app/db-password");
        assertThat(refused.body()).doesNotContain(one, two);

        JsonNode events =
                api.get(T + "/audit?type=secret.reveal", team.auditor).json().get("events");
        List<JsonNode> reveals = new ArrayList<>();
        events.forEach(reveals::add);
        assertThat(reveals)
                .anySatisfy(e -> {
                    assertThat(e.get("outcome").asText()).isEqualTo("success");
                    assertThat(e.get("role").asText()).isEqualTo("deployer");
                    assertThat(e.get("details").get("path").asText()).isEqualTo("/ci/prod/app");
                    assertThat(e.get("details").get("name").asText()).isEqualTo("db-password");
                    assertThat(e.get("details").get("version").asText()).isEqualTo("1");
                    assertThat(e.get("details").get("run_id").asText()).isNotEmpty();
                    assertThat(e.get("token_id").asText()).isNotEmpty();
                })
                .anySatisfy(e -> {
                    assertThat(e.get("outcome").asText()).isEqualTo("failure");
                    assertThat(e.get("role").asText()).isEqualTo("other");
                    assertThat(e.get("reason").asText()).isEqualTo("secret-denied");
                });
        assertThat(events.toString()).doesNotContain(one, two);
        assertThat(auditBodies()).doesNotContain(one, two);

        io.micrometer.core.instrument.MeterRegistry meters =
                service.context().getBean(io.micrometer.core.instrument.MeterRegistry.class);
        assertThat(meters.get("keyless.secret.reveals")
                        .tag("result", "revealed")
                        .counter()
                        .count())
                .isGreaterThanOrEqualTo(2);
        assertThat(meters.get("keyless.secret.reveals")
                        .tag("check", "secret-denied")
                        .counter()
                        .count())
                .isGreaterThanOrEqualTo(1);
    }

    @Test
    void resourceAdminsWriteButNeverReadAndAuditorsSeeMetadataOnly() {
        folder("/ci/prod/app");
        String value = unique();
        assertThat(put("/ci/prod/app", "api-token", value).status()).isEqualTo(201);
        for (String admin : List.of(resources, team.auditor, team.security)) {
            Api.Response listed = api.get(T + "/secrets/metadata?path=" + q("/ci/prod"), admin);
            assertThat(listed.status()).as(listed.body()).isEqualTo(200);
            assertThat(listed.body()).contains("api-token").doesNotContain(value);
            Api.Response versions =
                    api.get(T + "/secrets/versions?path=" + q("/ci/prod/app") + "&name=api-token", admin);
            assertThat(versions.status()).isEqualTo(200);
            assertThat(versions.body()).doesNotContain(value);
            // An admin token is not an access token: the workload routes refuse it.
            Api.Response reveal = reveal(admin, Map.of("path", "/ci/prod/app", "name", "api-token"));
            assertThat(reveal.status()).isEqualTo(401);
            assertThat(reveal.body()).doesNotContain(value);
        }
        for (String admin : List.of(team.auditor, team.security, team.devops)) {
            Api.Response write =
                    api.post(T + "/secrets", admin, Map.of("path", "/ci/prod/app", "name", "api-token", "value", "x"));
            assertThat(write.status()).isEqualTo(403);
            assertThat(write.slug()).isEqualTo("admin-forbidden");
        }
    }

    @Test
    void listShowsOnlyGrantedNamesAndRefusesFoldersOutsideEveryGrant() {
        folder("/ci/prod/app");
        folder("/ci/shared/tools");
        folder("/ci/staging");
        put("/ci/prod/app", "listed", unique());
        put("/ci/shared/tools", "npm-token", unique());
        put("/ci/staging", "hidden", unique());
        String token = deployerToken();

        Api.Response all = api.get(T + "/secrets", token);
        assertThat(all.status()).as(all.body()).isEqualTo(200);
        assertThat(all.body())
                .contains("listed", "npm-token")
                .doesNotContain("hidden")
                .doesNotContain("\"value\"");

        Api.Response shared = api.get(T + "/secrets?path=" + q("/ci/shared"), token);
        assertThat(shared.status()).isEqualTo(200);
        assertThat(shared.body()).contains("npm-token").doesNotContain("listed");

        Api.Response outside = api.get(T + "/secrets?path=" + q("/ci/staging"), token);
        assertThat(outside.status()).isEqualTo(403);
        assertThat(outside.slug()).isEqualTo("secret-denied");
        assertThat(outside.json().get("detail").asText())
                .isEqualTo("No policy grants role 'deployer' list on /ci/staging");

        Api.Response missing = api.get(T + "/secrets?path=" + q("/ci/shared/none"), token);
        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.slug()).isEqualTo("secret-folder-not-found");
        // A list grant is not a reveal grant.
        Api.Response noReveal = reveal(token, Map.of("path", "/ci/shared/tools", "name", "npm-token"));
        assertThat(noReveal.slug()).isEqualTo("secret-denied");
        Api.Response described =
                api.get(T + "/secrets/describe?path=" + q("/ci/shared/tools") + "&name=npm-token", token);
        assertThat(described.status()).isEqualTo(200);
        assertThat(described.json().get("version").asLong()).isEqualTo(1);
        assertThat(described.json().has("value")).isFalse();
    }

    @Test
    void aGrantGlobCannotEscapeItsFolder() {
        folder("/ci/prod/app/nested");
        folder("/ci/prod/app-evil");
        folder("/ci/prod");
        put("/ci/prod/app/nested", "deep", unique());
        put("/ci/prod/app-evil", "x", unique());
        put("/ci/prod", "app", unique());
        String token = deployerToken();
        for (Map<String, Object> target : List.of(
                Map.<String, Object>of("path", "/ci/prod/app/nested", "name", "deep"),
                Map.<String, Object>of("path", "/ci/prod/app-evil", "name", "x"),
                Map.<String, Object>of("path", "/ci/prod", "name", "app"))) {
            Api.Response r = reveal(token, target);
            assertThat(r.status()).as(target + " " + r.body()).isEqualTo(403);
            assertThat(r.slug()).isEqualTo("secret-denied");
        }
        // A grant pattern that tries to climb is refused when the policy is written.
        for (String pattern : List.of(
                "/ci/prod/../*", "/ci/prod/./x", "/ci//x", "ci/x", "/ci/x/", "/ci/\u0430", "/ci/a\\b", "/ci/***")) {
            Api.Response r = api.post(
                    T + "/policies",
                    team.security,
                    Map.of(
                            "name",
                            "escape",
                            "roles",
                            List.of("other"),
                            "secrets",
                            List.of(Map.of("path", pattern, "actions", List.of("reveal")))));
            assertThat(r.status()).as(pattern + " " + r.body()).isEqualTo(400);
            assertThat(r.body()).contains("secrets[0].path").doesNotContain(pattern);
        }
    }

    @Test
    void hostilePathsNamesAndValuesAreRefusedWithProblems() {
        folder("/ci/prod/app");
        String token = deployerToken();
        List<String> paths = List.of(
                "/ci/prod/app/..",
                "/ci/prod/../prod/app",
                "/ci/./prod",
                "//ci",
                "/ci/prod/app/",
                "ci/prod",
                "/ci/pr\u043ed",
                "/ci/\u202eprod",
                "/ci/prod\u0000",
                "/ci/%2e%2e",
                "/" + "a".repeat(64),
                "/a".repeat(11),
                "");
        for (String path : paths) {
            Api.Response folder = api.post(T + "/secret-folders", resources, Map.of("path", path));
            assertThat(folder.status()).as(path).isEqualTo(400);
            assertThat(folder.body()).doesNotContain(path.isEmpty() ? "\u0001" : path);
            Api.Response write = api.post(T + "/secrets", resources, Map.of("path", path, "name", "n", "value", "v"));
            assertThat(write.status()).as(path).isEqualTo(400);
            Api.Response r = reveal(token, Map.of("path", path, "name", "n"));
            assertThat(r.status()).as(path).isEqualTo(400);
            if (!path.isEmpty()) { // an empty query value is an absent one: list everything granted
                Api.Response list = api.get(T + "/secrets?path=" + q(path), token);
                assertThat(list.status()).as(path).isEqualTo(400);
            }
        }
        for (String name : List.of("..", ".env", "a/b", "n\u0430me", "x".repeat(129), "a b", "-x")) {
            Api.Response write =
                    api.post(T + "/secrets", resources, Map.of("path", "/ci/prod/app", "name", name, "value", "v"));
            assertThat(write.status()).as(name).isEqualTo(400);
            assertThat(write.json().get("errors").get(0).get("field").asText()).isEqualTo("name");
        }
        // Values: up to 64 KiB of bytes, text or base64; over it, lone surrogates and bad base64 refused.
        String max = "x".repeat(64 * 1024);
        assertThat(put("/ci/prod/app", "max", max).status()).isEqualTo(201);
        assertThat(reveal(token, Map.of("path", "/ci/prod/app", "name", "max"))
                        .json()
                        .get("value")
                        .asText())
                .isEqualTo(max);
        Api.Response over = put("/ci/prod/app", "over", max + "y");
        assertThat(over.status()).isEqualTo(400);
        assertThat(over.body()).contains("at most 65536 bytes").doesNotContain("xxxxxxxx");
        byte[] bytes = new byte[64 * 1024];
        new SecureRandom().nextBytes(bytes);
        Api.Response binary = api.post(
                T + "/secrets",
                resources,
                Map.of(
                        "path",
                        "/ci/prod/app",
                        "name",
                        "binary",
                        "value",
                        Base64.getEncoder().encodeToString(bytes),
                        "encoding",
                        "base64"));
        assertThat(binary.status()).as(binary.body()).isEqualTo(201);
        Api.Response back = reveal(token, Map.of("path", "/ci/prod/app", "name", "binary"));
        assertThat(Base64.getDecoder().decode(back.json().get("value").asText()))
                .isEqualTo(bytes);
        assertThat(back.json().get("encoding").asText()).isEqualTo("base64");
        // Raw JSON: a serializer would replace the lone surrogate before it left.
        Api.Response surrogate = api.post(
                T + "/secrets", resources, "{\"path\":\"/ci/prod/app\",\"name\":\"s\",\"value\":\"a\\ud800b\"}");
        assertThat(surrogate.status()).as(surrogate.body()).isEqualTo(400);
        assertThat(surrogate.body()).contains("lone surrogate");
        Api.Response badBase64 = api.post(
                T + "/secrets",
                resources,
                Map.of("path", "/ci/prod/app", "name", "b64", "value", "not base64!", "encoding", "base64"));
        assertThat(badBase64.status()).isEqualTo(400);
        assertThat(badBase64.body()).doesNotContain("not base64!");
        Api.Response huge = api.post(
                T + "/secrets",
                resources,
                Map.of("path", "/ci/prod/app", "name", "huge", "value", "z".repeat(300_000)));
        assertThat(huge.status()).isEqualTo(413);
        // Other routes keep the 64 KiB body limit.
        Api.Response bigElsewhere = api.post(
                T + "/workload/authenticate", null, Map.of("connection", "github", "token", "x".repeat(70_000)));
        assertThat(bigElsewhere.status()).isEqualTo(413);
        Api.Response unicodeValue = put("/ci/prod/app", "unicode", "p\u00e4ss \ud83d\ude00 \u202e\r\n\u0000");
        assertThat(unicodeValue.status()).isEqualTo(201);
        assertThat(reveal(token, Map.of("path", "/ci/prod/app", "name", "unicode"))
                        .json()
                        .get("value")
                        .asText())
                .isEqualTo("p\u00e4ss \ud83d\ude00 \u202e\r\n\u0000");
        Api.Response badVersion = reveal(token, Map.of("path", "/ci/prod/app", "name", "max", "version", -1));
        assertThat(badVersion.status()).isEqualTo(400);
        Api.Response noSuchVersion = reveal(token, Map.of("path", "/ci/prod/app", "name", "max", "version", 99));
        assertThat(noSuchVersion.slug()).isEqualTo("secret-not-found");
    }

    @Test
    void aSealedValueMovedToAnotherRowDoesNotOpen() throws Exception {
        folder("/ci/prod/app");
        String a = unique();
        String b = unique();
        put("/ci/prod/app", "moved-a", a);
        put("/ci/prod/app", "moved-b", b);
        put("/ci/prod/app", "moved-b", b + "-2");
        try (Connection c = service.jdbc()) {
            // a's sealed key and value into b's version 2; b's version 1 into b's version 2.
            copyVersion(c, "moved-a", 1, "moved-b", 2);
        }
        String token = deployerToken();
        Api.Response r = reveal(token, Map.of("path", "/ci/prod/app", "name", "moved-b"));
        assertThat(r.status()).isEqualTo(500);
        assertThat(r.slug()).isEqualTo("secret-unreadable");
        assertThat(r.body()).doesNotContain(a, b);
        try (Connection c = service.jdbc()) {
            copyVersion(c, "moved-b", 1, "moved-b", 2);
        }
        assertThat(reveal(token, Map.of("path", "/ci/prod/app", "name", "moved-b"))
                        .slug())
                .isEqualTo("secret-unreadable");
        assertThat(reveal(token, Map.of("path", "/ci/prod/app", "name", "moved-b", "version", 1))
                        .json()
                        .get("value")
                        .asText())
                .isEqualTo(b);
        // Leave no row that cannot open: the master-key rotation test re-seals every live key.
        Api.Response destroyed = api.post(
                T + "/secrets/versions/destroy",
                resources,
                Map.of("path", "/ci/prod/app", "name", "moved-b", "versions", List.of(2)));
        assertThat(destroyed.status()).as(destroyed.body()).isEqualTo(200);
    }

    private static void copyVersion(Connection c, String fromName, long fromVersion, String toName, long toVersion)
            throws Exception {
        String key;
        String value;
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT sealed_key, sealed_value FROM secret_version WHERE path = ? AND name = ? AND version = ?")) {
            ps.setString(1, "/ci/prod/app");
            ps.setString(2, fromName);
            ps.setLong(3, fromVersion);
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).isTrue();
                key = rs.getString(1);
                value = rs.getString(2);
            }
        }
        try (PreparedStatement ps = c.prepareStatement(
                "UPDATE secret_version SET sealed_key = ?, sealed_value = ? WHERE path = ? AND name = ? AND version = ?")) {
            ps.setString(1, key);
            ps.setString(2, value);
            ps.setString(3, "/ci/prod/app");
            ps.setString(4, toName);
            ps.setLong(5, toVersion);
            assertThat(ps.executeUpdate()).isEqualTo(1);
        }
    }

    @Test
    void destroyedVersionsAndDeletedSecretsCannotBeRevealedAndUndeleteHasAWindow() throws Exception {
        folder("/ci/prod/app");
        String one = unique();
        String two = unique();
        put("/ci/prod/app", "rotating", one);
        put("/ci/prod/app", "rotating", two);
        Api.Response destroyed = api.post(
                T + "/secrets/versions/destroy",
                resources,
                Map.of("path", "/ci/prod/app", "name", "rotating", "versions", List.of(1)));
        assertThat(destroyed.status()).as(destroyed.body()).isEqualTo(200);
        assertThat(destroyed.json().get("versions").get(0).get("destroyed_at").asText())
                .isNotEmpty();
        String token = deployerToken();
        Api.Response gone = reveal(token, Map.of("path", "/ci/prod/app", "name", "rotating", "version", 1));
        assertThat(gone.status()).isEqualTo(410);
        assertThat(gone.slug()).isEqualTo("secret-version-destroyed");
        try (Connection c = service.jdbc();
                Statement s = c.createStatement();
                ResultSet rs =
                        s.executeQuery("SELECT COUNT(*) FROM secret_version WHERE name = 'rotating' AND version = 1"
                                + " AND sealed_value IS NULL AND sealed_key IS NULL")) {
            rs.next();
            assertThat(rs.getInt(1)).isEqualTo(1);
        }
        assertThat(reveal(token, Map.of("path", "/ci/prod/app", "name", "rotating"))
                        .json()
                        .get("value")
                        .asText())
                .isEqualTo(two);

        Map<String, Object> ref = Map.of("path", "/ci/prod/app", "name", "rotating");
        assertThat(api.post(T + "/secrets/delete", resources, ref).status()).isEqualTo(200);
        assertThat(reveal(token, ref).slug()).isEqualTo("secret-not-found");
        assertThat(api.get(T + "/secrets?path=" + q("/ci/prod/app"), token).body())
                .doesNotContain("rotating");
        assertThat(put("/ci/prod/app", "rotating", "x").status()).isEqualTo(409);
        assertThat(api.post(T + "/secrets/delete", resources, ref).slug()).isEqualTo("invalid-state-transition");
        assertThat(api.post(T + "/secrets/undelete", resources, ref).status()).isEqualTo(200);
        assertThat(reveal(token, ref).json().get("value").asText()).isEqualTo(two);

        // Past the window, an undelete finds nothing and a new write starts again at version 1.
        assertThat(api.post(T + "/secrets/delete", resources, ref).status()).isEqualTo(200);
        try (Connection c = service.jdbc();
                PreparedStatement ps = c.prepareStatement("UPDATE secret SET deleted_at = ? WHERE name = 'rotating'")) {
            ps.setLong(
                    1, System.currentTimeMillis() - java.time.Duration.ofDays(8).toMillis());
            ps.executeUpdate();
        }
        assertThat(api.post(T + "/secrets/undelete", resources, ref).slug()).isEqualTo("secret-not-found");
        Api.Response fresh = put("/ci/prod/app", "rotating", "fresh");
        assertThat(fresh.json().get("version").asLong()).isEqualTo(1);
        assertThat(reveal(token, ref).json().get("value").asText()).isEqualTo("fresh");
    }

    @Test
    void deactivatingTheConnectionOrRevokingTheGrantStopsRevealsAtOnce() {
        team.activeConnection("github-two");
        team.role("revocable", "github-two", Map.of("repository", "acme-corp/revocable"));
        Map<String, Object> spec = new HashMap<>(Map.of(
                "name",
                "revocable",
                "roles",
                List.of("revocable"),
                "secrets",
                List.of(Map.of("path", "/ci/rev/*", "actions", List.of("reveal")))));
        assertThat(api.post(T + "/policies", team.security, spec).status()).isEqualTo(201);
        folder("/ci/rev");
        put("/ci/rev", "key", unique());
        Map<String, Object> ref = Map.of("path", "/ci/rev", "name", "key");

        String token = client.authenticate(
                        "github-two", team.githubToken(Map.of("repository", "acme-corp/revocable")), null)
                .accessToken();
        assertThat(reveal(token, ref).status()).isEqualTo(200);

        // The grant is narrowed: the same token is refused on the next request.
        spec.put("secrets", List.of(Map.of("path", "/ci/rev/other", "actions", List.of("reveal"))));
        assertThat(api.put(T + "/policies/revocable", team.security, spec).status())
                .isEqualTo(200);
        assertThat(reveal(token, ref).slug()).isEqualTo("secret-denied");
        spec.put("secrets", List.of(Map.of("path", "/ci/rev/*", "actions", List.of("reveal"))));
        assertThat(api.put(T + "/policies/revocable", team.security, spec).status())
                .isEqualTo(200);
        assertThat(reveal(token, ref).status()).isEqualTo(200);

        // The connection is deactivated: the token is dead.
        assertThat(api.post(T + "/connections/github-two/deactivate", team.securityTwo, null)
                        .status())
                .isEqualTo(200);
        Api.Response revoked = reveal(token, ref);
        assertThat(revoked.status()).isEqualTo(401);
        assertThat(revoked.slug()).isEqualTo("access-token-revoked");
    }

    @Test
    void rotatingTheMasterKeyReSealsDataKeysOnly() throws Exception {
        folder("/ci/prod/app");
        String value = unique();
        put("/ci/prod/app", "rekeyed", value);
        Map<String, String[]> before = sealed();
        byte[] current = Base64.getDecoder()
                .decode(service.context()
                        .getProperty("keyless.master-key", String.class)
                        .orElseThrow());
        byte[] other = new byte[32];
        new SecureRandom().nextBytes(other);
        Db db = service.context().getBean(Db.class);
        SecretResealer resealer = service.context().getBean(SecretResealer.class);
        // Re-sealed under another key, with the running one as previous (as a rotation does) ...
        SecretBox toOther = new SecretBox(other, current, new SecureRandom());
        int count = db.write(c -> resealer.reseal(c, toOther));
        assertThat(count).isEqualTo(before.size());
        int again = db.write(c -> resealer.reseal(c, toOther));
        assertThat(again).as("a second run moves nothing").isZero();
        Map<String, String[]> rotated = sealed();
        before.forEach((row, cols) -> {
            assertThat(rotated.get(row)[1]).as("value of " + row).isEqualTo(cols[1]);
            assertThat(rotated.get(row)[0]).as("key of " + row).isNotEqualTo(cols[0]);
        });
        // ... the running service (old key only) no longer opens them; moved back, every value opens.
        String token = deployerToken();
        assertThat(reveal(token, Map.of("path", "/ci/prod/app", "name", "rekeyed"))
                        .slug())
                .isEqualTo("secret-unreadable");
        SecretBox back = new SecretBox(current, other, new SecureRandom());
        int movedBack = db.write(c -> resealer.reseal(c, back));
        assertThat(movedBack).isEqualTo(before.size());
        assertThat(reveal(token, Map.of("path", "/ci/prod/app", "name", "rekeyed"))
                        .json()
                        .get("value")
                        .asText())
                .isEqualTo(value);
    }

    private Map<String, String[]> sealed() throws Exception {
        Map<String, String[]> rows = new HashMap<>();
        try (Connection c = service.jdbc();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT path, name, version, sealed_key, sealed_value FROM secret_version"
                        + " WHERE sealed_key IS NOT NULL")) {
            while (rs.next()) {
                rows.put(
                        rs.getString(1) + "/" + rs.getString(2) + "@" + rs.getLong(3),
                        new String[] {rs.getString(4), rs.getString(5)});
            }
        }
        return rows;
    }

    private String auditBodies() throws Exception {
        StringBuilder all = new StringBuilder();
        try (Connection c = service.jdbc();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT body FROM audit_event")) {
            while (rs.next()) {
                all.append(rs.getString(1)).append('\n');
            }
        }
        return all.toString();
    }
}

package dev.keyless.service.it;

import static dev.keyless.testkit.service.TeamSetup.T;
import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.jwk.RSAKey;
import dev.keyless.client.KeylessClient;
import dev.keyless.protocol.WorkloadRequests.AccessToken;
import dev.keyless.testkit.TestKeys;
import dev.keyless.testkit.TestTokens;
import dev.keyless.testkit.service.Api;
import dev.keyless.testkit.service.TeamSetup;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Hostile and malformed input over real HTTP: every case gets the exact 4xx problem it should, no
 * case gets a 5xx, and no response ever echoes the token it was sent.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HostileInputIT {
    RunningService service;
    TeamSetup team;
    Api api;
    RSAKey stranger = TestKeys.rsa("gh-key-1");

    @BeforeAll
    void start() throws Exception {
        service = RunningService.start(TestDatabase.H2);
        team = new TeamSetup(service.uri(), service.bootstrapToken()).standard();
        api = team.api;
        api.post(T + "/connections", team.devops, team.connectionSpec("drafty"));
        team.activeConnection("paused");
        api.post(T + "/connections/paused/deactivate", team.security, null);
    }

    @AfterAll
    void stop() throws Exception {
        team.close();
        service.close();
    }

    Map<String, Object> claims() {
        Map<String, Object> c =
                TestTokens.claims("github-actions", TeamSetup.ISSUER, TeamSetup.AUDIENCE, Instant.now());
        c.put("jti", java.util.UUID.randomUUID().toString());
        return c;
    }

    String signed(Map<String, Object> overrides) {
        Map<String, Object> c = claims();
        c.putAll(overrides);
        return TestTokens.sign(c, team.signingKey);
    }

    Stream<Arguments> hostileTokens() {
        Instant now = Instant.now();
        Map<String, Object> expired =
                TestTokens.times(claims(), now.minus(Duration.ofMinutes(20)), Duration.ofMinutes(5));
        Map<String, Object> future = claims();
        future.put("nbf", now.plusSeconds(600).getEpochSecond());
        Map<String, Object> old = TestTokens.times(claims(), now.minus(Duration.ofMinutes(30)), Duration.ofHours(2));
        Map<String, Object> noOwner = claims();
        noOwner.remove("repository_owner");
        return Stream.of(
                row("alg none", TestTokens.unsecured(claims()), "token-malformed"),
                row(
                        "HS256 keyed with the RSA public key",
                        TestTokens.hmacWithPublicKey(claims(), team.signingKey),
                        "token-algorithm-not-allowed"),
                row("unknown kid", TestTokens.sign(claims(), TestKeys.rsa("nobody")), "token-key-unknown"),
                row(
                        "path traversal kid",
                        TestTokens.sign(claims(), TestKeys.rsa("../../etc/passwd")),
                        "token-key-unknown"),
                row(
                        "signed by a stranger under our kid",
                        TestTokens.sign(claims(), stranger),
                        "token-signature-invalid"),
                row(
                        "jku header",
                        TestTokens.sign(claims(), team.signingKey, Map.of("jku", "http://127.0.0.1:9/jwks")),
                        "token-header-rejected"),
                row(
                        "x5u header",
                        TestTokens.sign(claims(), team.signingKey, Map.of("x5u", "http://127.0.0.1:9/x")),
                        "token-header-rejected"),
                row(
                        "embedded jwk header",
                        TestTokens.sign(
                                claims(),
                                team.signingKey,
                                Map.of("jwk", team.signingKey.toPublicJWK().toJSONObject())),
                        "token-header-rejected"),
                row("expired", TestTokens.sign(expired, team.signingKey), "token-expired"),
                row("nbf in the future", TestTokens.sign(future, team.signingKey), "token-not-yet-valid"),
                row("iat older than the max age", TestTokens.sign(old, team.signingKey), "token-too-old"),
                row("wrong issuer", signed(Map.of("iss", "https://evil.example.com")), "token-issuer-mismatch"),
                row("wrong audience", signed(Map.of("aud", "https://other.example.com")), "token-audience-mismatch"),
                row("required claim missing", TestTokens.sign(noOwner, team.signingKey), "token-claim-mismatch"),
                row(
                        "required claim of the wrong type",
                        signed(Map.of("repository_owner", List.of("x"))),
                        "token-claim-mismatch"),
                row(
                        "look-alike unicode in a role claim",
                        signed(Map.of("repository", "acme-corp/dеploy-svc")),
                        "role-not-matched"),
                row("garbage", "not.a.jwt", "token-malformed"),
                row("oversized token", "e" + "x".repeat(17 * 1024), "token-too-large"));
    }

    private static Arguments row(String name, String token, String slug) {
        return Arguments.of(Named.of(name, token), slug);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("hostileTokens")
    void refusesHostileTokensWithTheCheckThatFailed(String token, String slug) {
        Api.Response r = api.post(T + "/workload/authenticate", null, Map.of("connection", "github", "token", token));
        assertThat(r.slug()).as(r.body()).isEqualTo(slug);
        assertThat(r.status()).isBetween(400, 499);
        assertThat(r.contentType()).startsWith("application/problem+json");
        assertThat(r.body()).doesNotContain(token.length() > 40 ? token.substring(token.length() - 40) : token);
    }

    @Test
    void acceptsAnAudienceListThatContainsTheConnectionsAudience() {
        String token = signed(Map.of("aud", List.of("https://other.example.com", TeamSetup.AUDIENCE)));
        Api.Response r = api.post(T + "/workload/authenticate", null, Map.of("connection", "github", "token", token));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
    }

    @Test
    void refusesDraftAndInactiveConnectionsNamingTheState() {
        Api.Response draft = api.post(
                T + "/workload/authenticate", null, Map.of("connection", "drafty", "token", team.githubToken()));
        assertThat(draft.slug()).isEqualTo("connection-not-active");
        assertThat(draft.json().get("state").asText()).isEqualTo("DRAFT");
        Api.Response paused = api.post(
                T + "/workload/authenticate", null, Map.of("connection", "paused", "token", team.githubToken()));
        assertThat(paused.json().get("state").asText()).isEqualTo("INACTIVE");
    }

    @Test
    void refusesAnAccessTokenOfferedAsAPlatformToken() {
        AccessToken access = KeylessClient.create(service.uri(), RunningService.TEAM)
                .authenticate("github", team.githubToken(), null);
        Api.Response r = api.post(
                T + "/workload/authenticate", null, Map.of("connection", "github", "token", access.accessToken()));
        assertThat(r.slug()).isEqualTo("token-is-access-token");
    }

    @Test
    void refusesAKeyRemovedFromTheJwksAfterRotation() {
        // A connection of its own: the unknown-kid refetch is rate-limited per connection, and the
        // hostile-kid cases above may just have used this minute's refetch of "github".
        RSAKey first = TestKeys.rsa("rot-1");
        RSAKey next = TestKeys.rsa("rot-2");
        try (dev.keyless.testkit.JwksServer jwks = new dev.keyless.testkit.JwksServer("/jwks", first.toPublicJWK())) {
            Map<String, Object> spec = new HashMap<>(team.connectionSpec("rotating"));
            spec.put("jwks_uri", jwks.jwksUri());
            assertThat(api.post(T + "/connections", team.devops, spec).status()).isEqualTo(201);
            api.post(T + "/connections/rotating/activate", team.securityTwo, null);
            team.role("rotator", "rotating", Map.of("repository", "acme-corp/deploy-svc"));
            team.policy("rotation", List.of("rotator"), Map.of("names", List.of("web-01")), List.of());
            String before = TestTokens.sign(claims(), first);
            assertThat(authenticate("rotating", TestTokens.sign(claims(), first))
                            .status())
                    .isEqualTo(200);

            jwks.serveKeys(next.toPublicJWK());
            Api.Response fresh = authenticate("rotating", TestTokens.sign(claims(), next));
            assertThat(fresh.status()).as(fresh.body()).isEqualTo(200);
            assertThat(authenticate("rotating", before).slug()).isEqualTo("token-key-unknown");
        }
    }

    @Test
    void anIssuerOutageKeepsTheLastGoodKeysAndShowsInHealth() {
        RSAKey key = TestKeys.rsa("outage-1");
        try (dev.keyless.testkit.JwksServer jwks = new dev.keyless.testkit.JwksServer("/jwks", key.toPublicJWK())) {
            Map<String, Object> spec = new HashMap<>(team.connectionSpec("flaky"));
            spec.put("jwks_uri", jwks.jwksUri());
            api.post(T + "/connections", team.devops, spec);
            api.post(T + "/connections/flaky/activate", team.securityTwo, null);
            team.role("flaky", "flaky", Map.of("repository", "acme-corp/deploy-svc"));
            team.policy("flaky", List.of("flaky"), Map.of("names", List.of("web-01")), List.of());
            assertThat(authenticate("flaky", TestTokens.sign(claims(), key)).status())
                    .isEqualTo(200);

            jwks.failWith(500);
            // An unknown kid makes the source try the issuer, which fails: known keys keep working.
            assertThat(authenticate("flaky", TestTokens.sign(claims(), TestKeys.rsa("outage-2")))
                            .slug())
                    .isEqualTo("token-key-unknown");
            assertThat(authenticate("flaky", TestTokens.sign(claims(), key)).status())
                    .isEqualTo(200);
            assertThat(api.get("/health", null).status()).isEqualTo(200);
            Api.Response health = api.get(T + "/health", team.security);
            assertThat(health.status()).isEqualTo(200);
            String jwksHealth = health.json().path("connections").path("flaky").toString();
            assertThat(jwksHealth).contains("\"stale\":true").contains("last_error");
        }
    }

    private Api.Response authenticate(String connection, String token) {
        return api.post(T + "/workload/authenticate", null, Map.of("connection", connection, "token", token));
    }

    Stream<Arguments> badRequests() {
        Map<String, Object> role = new HashMap<>(Map.of("name", "x", "connection", "github", "claims", Map.of()));
        return Stream.of(
                Arguments.of(
                        Named.of("malformed JSON", "POST"),
                        T + "/workload/authenticate",
                        "{\"connection\":",
                        400,
                        "malformed-request"),
                Arguments.of(
                        Named.of("duplicate key", "POST"),
                        T + "/workload/authenticate",
                        "{\"connection\":\"github\",\"connection\":\"other\",\"token\":\"x\"}",
                        400,
                        "malformed-request"),
                Arguments.of(
                        Named.of("unknown field", "POST"),
                        T + "/workload/authenticate",
                        Map.of("connection", "github", "token", "x", "refresh", true),
                        400,
                        "malformed-request"),
                Arguments.of(
                        Named.of("wrong type", "POST"),
                        T + "/workload/authenticate",
                        Map.of("connection", 42, "token", "x"),
                        400,
                        "malformed-request"),
                Arguments.of(
                        Named.of("body over 64 KiB", "POST"),
                        T + "/workload/authenticate",
                        Map.of("connection", "github", "token", "x".repeat(70_000)),
                        413,
                        "body-too-large"),
                Arguments.of(
                        Named.of("unknown team", "POST"),
                        "/v1/teams/nope/workload/authenticate",
                        Map.of("connection", "github", "token", "x"),
                        404,
                        "not-found"),
                Arguments.of(
                        Named.of("connection name with a shell metacharacter", "POST"),
                        T + "/workload/authenticate",
                        Map.of("connection", "gh;id", "token", "x"),
                        400,
                        "invalid-request"),
                Arguments.of(
                        Named.of("role name injection", "POST"),
                        T + "/roles",
                        with(role, "name", "root;rm -rf /"),
                        400,
                        "invalid-request"),
                Arguments.of(
                        Named.of("role name that is not a Linux user", "POST"),
                        T + "/roles",
                        with(role, "name", "Deployer"),
                        400,
                        "invalid-request"),
                Arguments.of(
                        Named.of("nested object as a claim condition", "POST"),
                        T + "/roles",
                        with(role, "claims", Map.of("sub", Map.of("a", "b"))),
                        400,
                        "invalid-request"),
                Arguments.of(
                        Named.of("sudo rule injection", "POST"),
                        T + "/policies",
                        Map.of(
                                "name",
                                "bad",
                                "roles",
                                List.of("deployer"),
                                "servers",
                                Map.of("names", List.of("web-01")),
                                "sudo",
                                List.of(Map.of("command", "/usr/bin/foo\nroot ALL=(ALL) ALL"))),
                        400,
                        "invalid-request"),
                Arguments.of(
                        Named.of("sudo ALL without unrestricted", "POST"),
                        T + "/policies",
                        Map.of(
                                "name",
                                "bad",
                                "roles",
                                List.of("deployer"),
                                "servers",
                                Map.of("names", List.of("web-01")),
                                "sudo",
                                List.of(Map.of("command", "ALL"))),
                        400,
                        "invalid-request"),
                Arguments.of(
                        Named.of("http JWKS off loopback", "POST"),
                        T + "/connections",
                        Map.of(
                                "name",
                                "plain",
                                "provider",
                                "generic",
                                "issuer",
                                "https://ci.example.com",
                                "jwks_uri",
                                "http://ci.example.com/jwks",
                                "audiences",
                                List.of("a")),
                        400,
                        "invalid-request"),
                Arguments.of(
                        Named.of("HMAC algorithm on a connection", "POST"),
                        T + "/connections",
                        Map.of(
                                "name",
                                "hmac",
                                "provider",
                                "github-actions",
                                "audiences",
                                List.of("a"),
                                "algorithms",
                                List.of("HS256")),
                        400,
                        "invalid-request"),
                Arguments.of(
                        Named.of("no audience", "POST"),
                        T + "/connections",
                        Map.of("name", "noaud", "provider", "github-actions", "audiences", List.of()),
                        400,
                        "invalid-request"),
                Arguments.of(
                        Named.of("admin call without a token", "GET"),
                        T + "/connections",
                        null,
                        401,
                        "admin-unauthenticated"),
                Arguments.of(Named.of("unknown path", "GET"), T + "/nothing-here", null, 404, "not-found"));
    }

    private static Map<String, Object> with(Map<String, Object> base, String key, Object value) {
        Map<String, Object> copy = new HashMap<>(base);
        copy.put(key, value);
        return copy;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badRequests")
    void answersBadRequestsWithAProblemAndWritesNothing(
            String method, String path, Object body, int status, String slug) throws Exception {
        long before = auditAndConfig();
        String bearer = path.contains("/workload/") || (method.equals("GET") && status == 401) ? null : team.security;
        if (path.endsWith("/nothing-here")) {
            bearer = team.security;
        }
        Api.Response r = api.send(method, path, bearer, body);
        assertThat(r.status()).as(r.body()).isEqualTo(status);
        assertThat(r.slug()).as(r.body()).isEqualTo(slug);
        if (!path.contains("/workload/")) {
            assertThat(auditAndConfig()).isEqualTo(before);
        }
    }

    @Test
    void neverNamesAnUnknownFieldOrAMapKeyItWasSent() {
        // A pasted secret reads as well as a typo: [A-Za-z0-9_] names were echoed before.
        String secret = "ghp_" + "Zx9".repeat(12);
        Api.Response unknown =
                api.post(T + "/workload/authenticate", null, Map.of("connection", "github", "token", "x", secret, 1));
        assertThat(unknown.slug()).isEqualTo("malformed-request");
        assertThat(unknown.body()).doesNotContain(secret);
        assertThat(unknown.json().get("detail").asText())
                .isEqualTo("Unknown field; accepted fields: connection, role_hint, token");

        Api.Response nested = api.post(
                T + "/policies",
                team.security,
                Map.of("name", "p", "roles", List.of("deployer"), "servers", Map.of("names", List.of(), secret, 1)));
        assertThat(nested.body()).doesNotContain(secret);
        assertThat(nested.json().get("detail").asText()).startsWith("Unknown field in 'servers'; accepted fields:");

        Api.Response mapKey = api.post(
                T + "/servers",
                team.devops,
                Map.of("name", "s", "address", "10.0.0.1", "port", 22, "labels", Map.of(secret, List.of())));
        assertThat(mapKey.slug()).isEqualTo("malformed-request");
        assertThat(mapKey.body()).doesNotContain(secret);
        assertThat(mapKey.json().get("detail").asText()).isEqualTo("Field 'labels'.{key} has the wrong type or shape");
    }

    @Test
    void refusesPublicKeysThatAreNotOpenSshOrTooWeak() throws Exception {
        AccessToken access = KeylessClient.create(service.uri(), RunningService.TEAM)
                .authenticate("github", team.githubToken(), null);
        java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("weak");
        java.nio.file.Path rsa = dev.keyless.testkit.SshKeygen.generate(dir, "rsa2048", "rsa", 2048, "weak");
        String weak = java.nio.file.Files.readString(java.nio.file.Path.of(rsa + ".pub"))
                .trim();
        Api.Response r1 =
                api.post(T + "/ssh/certificates", access.accessToken(), Map.of("server", "web-01", "public_key", weak));
        assertThat(r1.slug()).isEqualTo("public-key-weak");
        Api.Response r2 = api.post(
                T + "/ssh/certificates",
                access.accessToken(),
                Map.of("server", "web-01", "public_key", "-----BEGIN PUBLIC KEY-----"));
        assertThat(r2.slug()).isEqualTo("public-key-invalid");
        Api.Response r3 =
                api.post(T + "/ssh/certificates", "not-a-token", Map.of("server", "web-01", "public_key", weak));
        assertThat(r3.slug()).isEqualTo("access-token-invalid");
    }

    /** Team configuration version plus audit length: both unchanged means nothing was written. */
    private long auditAndConfig() throws Exception {
        try (java.sql.Connection c = service.jdbc();
                java.sql.ResultSet rs = c.createStatement()
                        .executeQuery("SELECT (SELECT config_version FROM team WHERE name = 'acme') * 1000000"
                                + " + (SELECT COUNT(*) FROM admin)")) {
            rs.next();
            return rs.getLong(1);
        }
    }
}

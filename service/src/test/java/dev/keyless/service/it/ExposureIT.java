package dev.keyless.service.it;

import static dev.keyless.testkit.service.TeamSetup.T;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import dev.keyless.testkit.TestTokens;
import dev.keyless.testkit.service.Api;
import dev.keyless.testkit.service.TeamSetup;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.LoggerFactory;

/**
 * What the service gives away, over real HTTP: the anonymous health check, the key-fetch errors in
 * the test report, the addresses it fetches from, its files on disk and its log.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ExposureIT {
    /** As operators run it: no opt-in for private addresses. */
    RunningService strict;

    TeamSetup team;
    Api api;

    @BeforeAll
    void start() throws Exception {
        strict = RunningService.start(TestDatabase.H2, Map.of("keyless.jwks.allow-private-addresses", false));
        team = new TeamSetup(strict.uri(), strict.bootstrapToken());
        api = team.api;
    }

    @AfterAll
    void stop() throws Exception {
        team.close();
        strict.close();
    }

    // --- /health ---

    @Test
    void anonymousHealthSaysOnlyTheStatus() throws Exception {
        try (RunningService service = RunningService.start(TestDatabase.H2);
                TeamSetup t = new TeamSetup(service.uri(), service.bootstrapToken())) {
            t.activeConnection("github");
            // A used key source with a failure, which /health once listed to anyone.
            t.api.post(
                    T + "/connections/github/test",
                    t.security,
                    Map.of("token", TestTokens.sign(githubClaims(), dev.keyless.testkit.TestKeys.rsa("unknown"))));

            Api.Response health = t.api.get("/health", null);

            assertThat(health.status()).isEqualTo(200);
            assertThat(fieldNames(health.json())).containsExactly("status");
            assertThat(health.json().get("status").asText()).isEqualTo("UP");
            assertThat(health.body())
                    .doesNotContain("jdbc")
                    .doesNotContain("127.0.0.1")
                    .doesNotContain(service.dataDir().toString());
        }
    }

    @Test
    void teamHealthShowsOnlyThatTeamsKeySourcesToItsConnectionAdmins() throws Exception {
        try (RunningService service = RunningService.start(TestDatabase.H2);
                TeamSetup t = new TeamSetup(service.uri(), service.bootstrapToken())) {
            t.activeConnection("github");
            t.jwks.failWith(500);
            Api.Response report =
                    t.api.post(T + "/connections/github/test", t.security, Map.of("token", t.githubToken()));
            assertThat(report.status()).as(report.body()).isEqualTo(200);

            Api.Response health = t.api.get(T + "/health", t.devops);

            assertThat(health.status()).as(health.body()).isEqualTo(200);
            JsonNode sources = health.json().path("connections").path("github");
            assertThat(sources.isArray()).isTrue();
            assertThat(sources.get(0).path("available").asBoolean()).isFalse();
            assertThat(sources.get(0).path("last_error").asText())
                    .isEqualTo("the JWKS fetch failed: HTTP error status");
            assertThat(t.api.get(T + "/health", t.security).status()).isEqualTo(200);
            assertThat(t.api.get(T + "/health", t.auditor).slug()).isEqualTo("admin-forbidden");
            assertThat(t.api.get(T + "/health", null).status()).isEqualTo(401);
            assertThat(t.api.get("/v1/teams/other/health", t.security).status()).isEqualTo(401);
        }
    }

    // --- addresses the service fetches from ---

    @ParameterizedTest
    @ValueSource(
            strings = {
                "http://127.0.0.1:%d/jwks",
                "http://2130706433:%d/jwks",
                "http://0x7f.1:%d/jwks",
                "http://127.1:%d/jwks",
                "http://[::1]:%d/jwks",
                "http://[::ffff:127.0.0.1]:%d/jwks",
                "http://localhost:%d/jwks",
                "https://169.254.169.254:%d/latest/meta-data/",
                "https://10.0.0.1:%d/jwks",
                "https://192.168.0.1:%d/jwks",
                "https://[fe80::1]:%d/jwks"
            })
    void aJwksUriNamingAnInternalAddressIsRefusedOnWrite(String template) {
        Map<String, Object> spec = new HashMap<>(team.connectionSpec("inside"));
        spec.put("jwks_uri", template.formatted(port(team.jwks)));

        Api.Response created = api.post(T + "/connections", team.devops, spec);

        assertThat(created.status()).as(created.body()).isEqualTo(400);
        assertThat(created.slug()).isEqualTo("invalid-request");
        assertThat(created.json().path("errors").get(0).path("field").asText()).isEqualTo("jwks_uri");
        assertThat(team.jwks.allRequests()).isZero();
    }

    @Test
    void anIssuerWhoseDiscoveryIsInternalIsRefusedOnWrite() {
        Map<String, Object> spec = new HashMap<>(team.connectionSpec("discovered"));
        spec.put("provider", "generic");
        spec.put("issuer", "https://169.254.169.254");
        spec.remove("jwks_uri");

        Api.Response created = api.post(T + "/connections", team.devops, spec);

        assertThat(created.status()).as(created.body()).isEqualTo(400);
        assertThat(created.json().path("errors").get(0).path("field").asText()).isEqualTo("issuer");
    }

    @Test
    void pinnedKeysNeedNoFetchSoTheirIssuerIsOnlyAName() {
        Map<String, Object> spec = new HashMap<>(team.connectionSpec("pinned-local"));
        spec.remove("jwks_uri");
        spec.put("provider", "generic");
        spec.put("issuer", "http://127.0.0.1:9/issuer");
        spec.put("jwks", Map.of("keys", List.of(team.signingKey.toPublicJWK().toJSONObject())));
        Api.Response created = api.post(T + "/connections", team.devops, spec);
        assertThat(created.status()).as(created.body()).isEqualTo(201);
    }

    @Test
    void aNameThatResolvesInsideIsRefusedWhenFetched() throws Exception {
        String name = InetAddress.getLocalHost().getHostName();
        Assumptions.assumeFalse(
                dev.keyless.service.platformtoken.jwks.AddressRules.isPublic(InetAddress.getByName(name)),
                "this host's name resolves to a public address");
        Map<String, Object> spec = new HashMap<>(team.connectionSpec("by-name"));
        spec.put("jwks_uri", "https://" + name + ":" + port(team.jwks) + "/jwks");
        Api.Response created = api.post(T + "/connections", team.devops, spec);
        assertThat(created.status()).as(created.body()).isEqualTo(201);

        Api.Response report =
                api.post(T + "/connections/by-name/test", team.devops, Map.of("token", team.githubToken()));

        assertThat(report.status()).as(report.body()).isEqualTo(200);
        assertThat(report.body())
                .contains("the JWKS fetch failed: address not allowed")
                .doesNotContain(Integer.toString(port(team.jwks)));
        assertThat(team.jwks.allRequests()).isZero();
    }

    @Test
    void fetchErrorsInTheTestReportAreOneCategoryWithoutStatusOrPort() throws Exception {
        try (RunningService service = RunningService.start(TestDatabase.H2);
                TeamSetup t = new TeamSetup(service.uri(), service.bootstrapToken())) {
            int closed;
            try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                closed = s.getLocalPort();
            }
            Map<String, Object> scanning = new HashMap<>(t.connectionSpec("scan"));
            scanning.put("jwks_uri", "http://127.0.0.1:" + closed + "/jwks");
            assertThat(t.api.post(T + "/connections", t.devops, scanning).status())
                    .isEqualTo(201);
            t.api.post(T + "/connections", t.devops, t.connectionSpec("status"));
            t.jwks.failWith(406);

            String refused =
                    detail(t.api.post(T + "/connections/scan/test", t.devops, Map.of("token", t.githubToken())));
            String status =
                    detail(t.api.post(T + "/connections/status/test", t.devops, Map.of("token", t.githubToken())));

            assertThat(refused)
                    .endsWith("the JWKS fetch failed: connection failed")
                    .doesNotContain(Integer.toString(closed));
            assertThat(status)
                    .endsWith("the JWKS fetch failed: HTTP error status")
                    .doesNotContain("406")
                    .doesNotContain(Integer.toString(port(t.jwks)));
        }
    }

    private static String detail(Api.Response report) {
        assertThat(report.status()).as(report.body()).isEqualTo(200);
        for (JsonNode check : report.json().path("checks")) {
            if (!check.path("passed").asBoolean()) {
                return check.path("detail").asText();
            }
        }
        throw new AssertionError("no failed check in " + report.body());
    }

    // --- data dir ---

    @Test
    void theDataDirAndEveryFileInItArePrivateAfterARealStart() throws Exception {
        Path parent = Files.createTempDirectory("keyless-perm");
        Path dataDir = parent.resolve("data");
        Files.createDirectory(
                dataDir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        Files.setPosixFilePermissions(dataDir, PosixFilePermissions.fromString("rwxr-xr-x"));
        try (RunningService service = RunningService.start(
                        TestDatabase.H2, Map.of("keyless.data-dir", dataDir.toString(), "keyless.master-key", ""));
                TeamSetup t = new TeamSetup(service.uri(), service.bootstrapToken())) {
            t.activeConnection("github");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dataDir)))
                    .isEqualTo("rwx------");
            List<String> files = new ArrayList<>();
            try (Stream<Path> all = Files.list(dataDir)) {
                for (Path f : (Iterable<Path>) all::iterator) {
                    files.add(f.getFileName() + " " + PosixFilePermissions.toString(Files.getPosixFilePermissions(f)));
                }
            }
            assertThat(files).contains("keyless.mv.db rw-------", "master.key rw-------");
            assertThat(files).allMatch(f -> f.endsWith(" rw-------"), "every file is 0600");
            assertThat(files).noneMatch(f -> f.contains(".trace.db"));
        } finally {
            try (Stream<Path> all = Files.walk(parent)) {
                all.sorted(java.util.Comparator.reverseOrder())
                        .forEach(p -> p.toFile().delete());
            }
        }
    }

    // --- the log ---

    @ParameterizedTest
    @EnumSource(TestDatabase.class)
    void databaseErrorsAreLoggedWithoutTheValues(TestDatabase kind) throws Exception {
        String canary = "https://canary-7f3a9c1e5b.example.com/sub-secret-value";
        try (RunningService service = RunningService.start(kind);
                TeamSetup t = new TeamSetup(service.uri(), service.bootstrapToken())) {
            try (Connection c = service.jdbc();
                    Statement s = c.createStatement()) {
                s.execute(
                        kind == TestDatabase.H2
                                ? "ALTER TABLE workload_connection ALTER COLUMN issuer SET DATA TYPE VARCHAR(12)"
                                : "ALTER TABLE workload_connection MODIFY issuer VARCHAR(12) NOT NULL");
            }
            Map<String, Object> spec = new HashMap<>(t.connectionSpec("long"));
            spec.put("provider", "generic");
            spec.put("issuer", canary);
            Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
            ListAppender<ILoggingEvent> log = new ListAppender<>();
            log.start();
            root.addAppender(log);
            Api.Response failed;
            try {
                failed = t.api.post(T + "/connections", t.devops, spec);
            } finally {
                root.detachAppender(log);
            }

            assertThat(failed.status()).as(failed.body()).isEqualTo(500);
            assertThat(failed.body()).doesNotContain("canary");
            StringBuilder text = new StringBuilder();
            for (ILoggingEvent e : log.list) {
                text.append(e.getFormattedMessage()).append('\n');
                if (e.getThrowableProxy() != null) {
                    text.append(ThrowableProxyUtil.asString(e.getThrowableProxy()))
                            .append('\n');
                }
            }
            assertThat(text.toString())
                    .contains("SQLSTATE 22001")
                    .doesNotContain("canary")
                    .doesNotContain("7f3a9c");
        }
    }

    private static Map<String, Object> githubClaims() {
        Map<String, Object> c =
                TestTokens.claims("github-actions", TeamSetup.ISSUER, TeamSetup.AUDIENCE, Instant.now());
        c.put("jti", java.util.UUID.randomUUID().toString());
        return c;
    }

    private static int port(dev.keyless.testkit.JwksServer server) {
        return java.net.URI.create(server.jwksUri()).getPort();
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}

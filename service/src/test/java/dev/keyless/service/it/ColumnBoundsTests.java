package dev.keyless.service.it;

import static dev.keyless.testkit.service.TeamSetup.T;
import static org.assertj.core.api.Assertions.assertThat;

import dev.keyless.service.name.Names;
import dev.keyless.service.platformtoken.VerifiedToken;
import dev.keyless.service.platformtoken.jwks.EndpointRules;
import dev.keyless.testkit.SshKeygen;
import dev.keyless.testkit.service.Api;
import dev.keyless.testkit.service.TeamSetup;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each request the security review answered with a 5xx, as a test of its own: a value the edge
 * accepted but a column could not hold, or one no validator looked at. Every value either fits
 * its column and is served, or is refused as a 4xx problem that names the field, never the value.
 * Run once per database by the subclasses, so the V9 widening is checked on both.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class ColumnBoundsTests {
    RunningService service;
    TeamSetup team;
    Api api;

    @TempDir
    Path keys;

    abstract TestDatabase database();

    @BeforeAll
    void start() throws Exception {
        service = RunningService.start(database());
        team = new TeamSetup(service.uri(), service.bootstrapToken()).standard();
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

    /**
     * Each declared-size column against the edge bound of every value that reaches it: a name
     * grammar, a URL rule, a claim bound, the largest accepted key. Values longer than a column are
     * refused before they reach it, or the column is at least as wide as the edge allows.
     */
    @Test
    void everySizedColumnHoldsTheLongestValueItsValidatorAccepts() throws Exception {
        int name = 63; // Names: [a-z0-9][a-z0-9._-]{0,62}
        int role = 29; // RoleNames: [a-z][a-z0-9_-]{0,28}
        Map<String, Integer> longestAccepted = new java.util.LinkedHashMap<>();
        for (String t : List.of(
                "team.name",
                "admin.team",
                "admin.name",
                "admin.created_by",
                "workload_connection.name",
                "workload_connection.created_by",
                "workload_role.connection",
                "policy.name",
                "server.name",
                "generation_counter.name",
                "ssh_session.connection",
                "ssh_session.server",
                "enrollment_token.server",
                "enrollment_token.created_by",
                "agent.server",
                "agent_event.server",
                "agent_event_head.server")) {
            longestAccepted.put(t, name);
        }
        longestAccepted.put("workload_role.name", role);
        longestAccepted.put("ssh_session.role", role);
        longestAccepted.put("ssh_session.principal", Names.PRINCIPAL_PREFIX.length() + role);
        longestAccepted.put("server.address", 253); // RFC 1123 host names; IPv6 literals are 45 at most
        longestAccepted.put("workload_connection.issuer", EndpointRules.MAX_ISSUER_LENGTH);
        longestAccepted.put("workload_connection.jwks_uri", EndpointRules.MAX_JWKS_URI_LENGTH);
        longestAccepted.put("ssh_session.subject", VerifiedToken.MAX_SUBJECT_BYTES);
        longestAccepted.put("ssh_session.serial", Long.toUnsignedString(-1L).length());
        longestAccepted.put("ssh_session.reason", "provisioning failed: ".length() + 200);
        // An ed25519 agent key without its comment; a 16384-bit RSA host key without its comment.
        longestAccepted.put("agent.public_key", 80);
        longestAccepted.put("agent.host_public_key", "ssh-rsa ".length() + 4 * ((4 + 7 + 4 + 4 + 4 + 2049 + 2) / 3));
        // Stored request documents: a spec written in full is longer than the 64 KiB body.
        for (String t : List.of(
                "policy.spec",
                "workload_role.claims",
                "workload_connection.jwks_pinned",
                "workload_connection.audiences",
                "workload_connection.algorithms",
                "workload_connection.required_claims",
                "server.labels",
                "ssh_session.sudo")) {
            longestAccepted.put(t, 2 * 65_536);
        }
        try (Connection c = service.jdbc()) {
            DatabaseMetaData meta = c.getMetaData();
            for (Map.Entry<String, Integer> e : longestAccepted.entrySet()) {
                String[] tc = e.getKey().split("\\.", -1);
                int size = columnSize(meta, c.getCatalog(), tc[0], tc[1]);
                assertThat(size).as(e.getKey()).isGreaterThanOrEqualTo(e.getValue());
            }
        }
    }

    private static int columnSize(DatabaseMetaData meta, String catalog, String table, String column) throws Exception {
        for (String[] names : new String[][] {
            {table, column}, {table.toUpperCase(java.util.Locale.ROOT), column.toUpperCase(java.util.Locale.ROOT)}
        }) {
            // The catalog keeps MariaDB from answering with another test schema's table.
            try (ResultSet rs = meta.getColumns(catalog, null, names[0], names[1])) {
                if (rs.next()) {
                    return rs.getInt("COLUMN_SIZE");
                }
            }
        }
        throw new AssertionError("no column " + table + "." + column);
    }

    @Test
    void refusesAnAdminWithoutNameOrRole() {
        assertInvalid(api.post(T + "/admins", team.security, Map.of()), "name");
    }

    @Test
    void refusesAnAdminWithoutName() {
        assertInvalid(api.post(T + "/admins", team.security, Map.of("role", "auditor")), "name");
    }

    @Test
    void refusesAnAdminNameWithCapitals() {
        assertInvalid(api.post(T + "/admins", team.security, Map.of("name", "Bad", "role", "auditor")), "name");
    }

    @Test
    void refusesAnAdminNameOf64Characters() {
        String name = "a".repeat(64);
        Api.Response r = api.post(T + "/admins", team.security, Map.of("name", name, "role", "auditor"));
        assertInvalid(r, "name");
        assertThat(r.body()).doesNotContain(name);
        assertThat(api.post(T + "/admins", team.security, Map.of("name", "a".repeat(63), "role", "auditor"))
                        .status())
                .isEqualTo(201);
    }

    @Test
    void refusesAnIssuerLongerThanItsColumn() {
        Map<String, Object> spec = new HashMap<>(team.gitlabConnectionSpec("long-issuer"));
        String issuer = "https://gitlab.example.com/" + "i".repeat(600 - 27);
        spec.put("issuer", issuer);
        Api.Response r = api.post(T + "/connections", team.devops, spec);
        assertInvalid(r, "issuer");
        assertThat(r.body()).doesNotContain(issuer);
    }

    @Test
    void refusesAJwksUriLongerThanItsColumn() {
        Map<String, Object> spec = new HashMap<>(team.connectionSpec("long-jwks"));
        String uri = team.jwks.jwksUri() + "?pad="
                + "j".repeat(1483 - team.jwks.jwksUri().length() - 5);
        assertThat(uri).hasSize(1483);
        spec.put("jwks_uri", uri);
        assertInvalid(api.post(T + "/connections", team.devops, spec), "jwks_uri");
        Api.Response put = api.put(T + "/connections/long-jwks", team.devops, spec);
        assertThat(put.status()).as(put.body()).isBetween(400, 499);
    }

    @Test
    void refusesAnAuditWindowBeyondTheEpochMilliRange() {
        Api.Response r = api.get(T + "/audit?since=%2B999999999-12-31T23:59:59Z", team.auditor);
        assertInvalid(r, "since");
        Api.Response until = api.get(T + "/audit?until=-999999999-01-01T00:00:00Z", team.auditor);
        assertInvalid(until, "until");
        assertThat(api.get(T + "/audit?since=9999-12-31T23:59:59Z", team.auditor)
                        .status())
                .isEqualTo(200);
    }

    @Test
    void enrolsAHostWhoseKeyLineIsLongerThan2048Characters() throws Exception {
        // A 16384-bit RSA modulus (the largest the key check takes) is a 2.8 KiB line; the
        // validator takes any odd modulus, so a random one stands in for ssh-keygen's minutes.
        String key = "ssh-rsa " + Base64.getEncoder().encodeToString(rsaBlob(16_384));
        assertThat(key.length()).isGreaterThan(2048);
        Api.Response r = enroll("web-01", key + " host");
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        assertThat(storedHostKey("web-01")).isEqualTo(key);
    }

    @Test
    void enrolsAHostWhoseKeyCarriesALongCommentAndStoresItWithout() throws Exception {
        team.server("web-02", 22, Map.of());
        Path host = SshKeygen.generate(keys, "host-web-02", "ed25519", 0, "host");
        String line = Files.readString(Path.of(host + ".pub")).trim() + "c".repeat(2100);
        Api.Response r = enroll("web-02", line);
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        try (Connection c = service.jdbc();
                ResultSet rs = c.createStatement()
                        .executeQuery("SELECT host_public_key, public_key FROM agent WHERE server = 'web-02'")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).startsWith("ssh-ed25519 ");
            assertThat(rs.getString(1).split(" ")).hasSize(2);
            assertThat(rs.getString(2)).startsWith("ssh-ed25519 ").hasSizeLessThan(100);
        }
    }

    private String storedHostKey(String server) throws Exception {
        try (Connection c = service.jdbc();
                ResultSet rs = c.createStatement()
                        .executeQuery("SELECT host_public_key FROM agent WHERE server = '" + server + "'")) {
            assertThat(rs.next()).isTrue();
            return rs.getString(1);
        }
    }

    private Api.Response enroll(String server, String hostKey) throws Exception {
        String token = api.post(T + "/servers/" + server + "/enrollment-tokens", team.devops, null)
                .json()
                .get("token")
                .asText();
        Path agent = SshKeygen.generate(keys, "agent-" + server, "ed25519", 0, "a".repeat(1000));
        return api.post(
                T + "/agents/enroll",
                null,
                Map.of(
                        "server", server,
                        "enrollment_token", token,
                        "agent_public_key",
                                Files.readString(Path.of(agent + ".pub")).trim(),
                        "host_public_key", hostKey));
    }

    @Test
    void issuesACertificateForAPlatformSubjectOf725Characters() throws Exception {
        String sub = "project_path:" + "deep-group/".repeat(40) + "svc:ref_type:branch:ref:main";
        sub = sub + "x".repeat(725 - sub.length());
        assertThat(sub).hasSize(725);
        Api.Response r = certificate(team.githubToken(Map.of("sub", sub)));
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        try (Connection c = service.jdbc();
                ResultSet rs = c.createStatement()
                        .executeQuery("SELECT subject FROM ssh_session WHERE id = '"
                                + r.json().get("session_id").asText() + "'")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo(sub);
        }
    }

    @Test
    void issuesACertificateForASubjectAtTheBoundInMultibyteCharacters() throws Exception {
        // 341 three-byte characters and one ASCII: 1024 bytes of UTF-8, the documented maximum.
        String sub = "\u20ac".repeat(341) + "x";
        Api.Response r = certificate(team.githubToken(Map.of("sub", sub)));
        assertThat(r.status()).as(r.body()).isEqualTo(201);
    }

    @Test
    void refusesASubjectOverTheBoundNamingTheClaim() {
        String sub = "s".repeat(1025);
        Api.Response r = api.post(
                T + "/workload/authenticate",
                null,
                Map.of("connection", "github", "token", team.githubToken(Map.of("sub", sub))));
        assertThat(r.status()).as(r.body()).isEqualTo(401);
        assertThat(r.slug()).isEqualTo("token-malformed");
        assertThat(r.json().get("claim").asText()).isEqualTo("sub");
        assertThat(r.body()).doesNotContain(sub);
    }

    private Api.Response certificate(String platformToken) throws Exception {
        Api.Response exchange =
                api.post(T + "/workload/authenticate", null, Map.of("connection", "github", "token", platformToken));
        assertThat(exchange.status()).as(exchange.body()).isEqualTo(200);
        Path key = SshKeygen.generate(keys, "w" + System.nanoTime(), "ed25519", 0, "w");
        return api.post(
                T + "/ssh/certificates",
                exchange.json().get("access_token").asText(),
                Map.of(
                        "server",
                        "web-01",
                        "public_key",
                        Files.readString(Path.of(key + ".pub")).trim()));
    }

    @Test
    void storesThePolicyOfTheLargestBodyTheServiceTakes() throws Exception {
        // The stored spec spells out every absent option, so it is longer than the body that
        // brought it; a body just under the 64 KiB request limit must still fit its column.
        List<Map<String, Object>> sudo = new java.util.ArrayList<>();
        for (int i = 0; i < 50; i++) {
            sudo.add(Map.of("command", "/usr/bin/" + "c".repeat(490) + i));
        }
        List<String> roles = new java.util.ArrayList<>();
        for (int i = 0; i < 100; i++) {
            roles.add("r" + "x".repeat(25) + (100 + i));
        }
        List<String> names = new java.util.ArrayList<>();
        for (int i = 0; i < 500; i++) {
            names.add("s" + "n".repeat(58) + (1000 + i));
        }
        Map<String, String> labels = new java.util.TreeMap<>();
        Map<String, Object> spec = new HashMap<>(Map.of("name", "largest", "roles", roles, "sudo", sudo));
        String body;
        do {
            labels.put("k" + "l".repeat(58) + (1000 + labels.size()), "v".repeat(63));
            spec.put("servers", Map.of("names", names, "labels", labels));
            body = new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(spec);
        } while (body.length() < 65_536 - 200 && labels.size() < 32);
        assertThat(body.length()).isLessThan(65_536);
        Api.Response r = api.post(T + "/policies", team.security, body);
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        assertThat(api.get(T + "/policies/largest", team.auditor).status()).isEqualTo(200);
    }

    private static void assertInvalid(Api.Response r, String field) {
        assertThat(r.status()).as(r.body()).isEqualTo(400);
        assertThat(r.contentType()).startsWith("application/problem+json");
        assertThat(r.slug()).as(r.body()).isEqualTo("invalid-request");
        assertThat(r.json().path("errors").toString()).as(r.body()).contains("\"" + field);
    }

    private static byte[] rsaBlob(int bits) throws IOException {
        BigInteger modulus =
                new BigInteger(bits, new SecureRandom()).setBit(bits - 1).setBit(0);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        byte[] type = "ssh-rsa".getBytes(StandardCharsets.US_ASCII);
        for (byte[] part : new byte[][] {type, BigInteger.valueOf(65_537).toByteArray(), modulus.toByteArray()}) {
            out.writeInt(part.length);
            out.write(part);
        }
        return bytes.toByteArray();
    }
}

package dev.keyless.service.it;

import static dev.keyless.testkit.service.TeamSetup.T;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.keyless.client.KeylessClient;
import dev.keyless.testkit.SshKeygen;
import dev.keyless.testkit.service.TeamSetup;
import java.math.BigInteger;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestInstance;

/**
 * Property-style fuzzing of every endpoint shape over real HTTP on H2: random and boundary
 * mutations of a valid body (types swapped, nulls, strings just around each column and validator
 * limit, deep nesting, NUL, RTL, lone surrogates, emoji, combining marks, numbers at their limits,
 * unknown fields, duplicate keys, broken JSON, wrong content types, hostile path segments). For
 * every request: never a 5xx; every 4xx is a problem document; a 4xx changed no domain table
 * (audit events of refusals are allowed); no unknown field name comes back.
 *
 * <p>Seeded and bounded: {@code -Dkeyless.fuzz.seed=N} replays a run (the seed is printed and in
 * each failure), {@code -Dkeyless.fuzz.count=N} sets the requests per endpoint (default 40).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class InputFuzzIT {
    private static final long SEED = Long.getLong("keyless.fuzz.seed", System.nanoTime());
    private static final int COUNT = Integer.getInteger("keyless.fuzz.count", 40);
    /** Every unknown field name starts with this, so an echo is found whatever the rest is. */
    private static final String UNKNOWN = "xq7unk";

    private static final List<String> DOMAIN_TABLES = List.of(
            "team",
            "admin",
            "workload_connection",
            "workload_role",
            "policy",
            "server",
            "enrollment_token",
            "agent",
            "ssh_session",
            "secret_folder",
            "secret",
            "secret_version");
    // The column and validator limits of V1/V2/V9 and the edge: each is tried -1, 0, +1.
    private static final int[] LIMITS = {29, 30, 32, 63, 64, 253, 255, 256, 512, 1024, 2048, 4096, 16_384};
    private static final String[] ODD = {
        "\u0000", "\u202e", "\ud800", "\udfff", "\ud83d\ude00", "e\u0301\u0301\u0301", "\ufeff", "\r\n", "'", "\"",
        "\\", "%00", "../", "${jndi:ldap://x}", "\u0430", "*", "?", "/", "\u3000", "\uffff"
    };

    private static final ObjectMapper PLAIN = new ObjectMapper();
    // Escaping every non-ASCII character is the only way a lone surrogate survives the trip.
    private static final ObjectMapper ESCAPED =
            JsonMapper.builder().enable(JsonWriteFeature.ESCAPE_NON_ASCII).build();
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    RunningService service;
    TeamSetup team;
    String accessToken;
    String publicKey;
    String resources;
    Random random;

    Path keys;

    @BeforeAll
    void start() throws Exception {
        System.out.println("InputFuzzIT seed " + SEED + " (replay with -Dkeyless.fuzz.seed=" + SEED + ")");
        random = new Random(SEED);
        service = RunningService.start(TestDatabase.H2);
        team = new TeamSetup(service.uri(), service.bootstrapToken()).standard();
        // Targets of PUTs of their own, so a fuzzed success never breaks the standard setup.
        team.api.post(T + "/connections", team.devops, team.connectionSpec("fuzz-draft"));
        team.role("fuzz-role", "github", Map.of("repository", "acme-corp/other"));
        team.policy("fuzz-policy", List.of("fuzz-role"), Map.of("names", List.of("web-01")), List.of());
        resources = team.api
                .post(T + "/admins", team.security, map("name", "fuzz-resources", "role", "resource_admin"))
                .json()
                .get("token")
                .asText();
        team.api.post(T + "/secret-folders", resources, map("path", "/fuzz/app"));
        for (String name : List.of("db", "old")) {
            team.api.post(T + "/secrets", resources, map("path", "/fuzz/app", "name", name, "value", "fuzz-value"));
        }
        team.api.post(
                T + "/policies",
                team.security,
                map(
                        "name",
                        "fuzz-secrets",
                        "roles",
                        List.of("deployer"),
                        "secrets",
                        List.of(map("path", "/fuzz/**", "actions", List.of("list", "reveal")))));
        accessToken = KeylessClient.create(service.uri(), RunningService.TEAM)
                .authenticate("github", team.githubToken(), null)
                .accessToken();
        keys = Files.createTempDirectory("fuzz-keys");
        Path key = SshKeygen.generate(keys, "fuzz", "ed25519", 0, "fuzz");
        publicKey = Files.readString(Path.of(key + ".pub")).trim();
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

    /** One valid request: method, path (with {@code {name}} for a fuzzed path segment), bearer, body. */
    private record Shape(
            String label,
            String method,
            String path,
            String pathName,
            Supplier<String> bearer,
            Supplier<Map<String, Object>> body) {}

    private List<Shape> shapes() {
        return List.of(
                new Shape(
                        "admins",
                        "POST",
                        "/admins",
                        null,
                        () -> team.security,
                        () -> map("name", "fz" + random.nextInt(1_000_000), "role", "auditor")),
                new Shape("connections", "POST", "/connections", null, () -> team.devops, () -> connection("fz")),
                new Shape(
                        "connections PUT",
                        "PUT",
                        "/connections/{name}",
                        "fuzz-draft",
                        () -> team.devops,
                        () -> connection("fuzz-draft")),
                new Shape(
                        "connection test",
                        "POST",
                        "/connections/{name}/test",
                        "github",
                        () -> team.devops,
                        () -> map("token", team.githubToken())),
                new Shape(
                        "roles",
                        "POST",
                        "/roles",
                        null,
                        () -> team.security,
                        () -> map(
                                "name",
                                "fz",
                                "connection",
                                "github",
                                "claims",
                                map("repository", "acme-corp/*", "ref", List.of("refs/heads/main")))),
                new Shape(
                        "roles PUT",
                        "PUT",
                        "/roles/{name}",
                        "fuzz-role",
                        () -> team.security,
                        () -> map(
                                "name",
                                "fuzz-role",
                                "connection",
                                "github",
                                "claims",
                                map("repository", "acme-corp/other"))),
                new Shape("policies", "POST", "/policies", null, () -> team.security, () -> policy("fz")),
                new Shape(
                        "policies PUT",
                        "PUT",
                        "/policies/{name}",
                        "fuzz-policy",
                        () -> team.security,
                        () -> policy("fuzz-policy")),
                new Shape(
                        "servers",
                        "POST",
                        "/servers",
                        null,
                        () -> team.devops,
                        () -> map("name", "fz", "address", "10.0.0.9", "port", 22, "labels", map("env", "dev"))),
                new Shape(
                        "enrollment-tokens",
                        "POST",
                        "/servers/{name}/enrollment-tokens",
                        "web-01",
                        () -> team.devops,
                        () -> null),
                new Shape(
                        "enroll",
                        "POST",
                        "/agents/enroll",
                        null,
                        () -> null,
                        () -> map(
                                "server",
                                "web-01",
                                "enrollment_token",
                                "kle_" + "A".repeat(43),
                                "agent_public_key",
                                publicKey,
                                "host_public_key",
                                publicKey)),
                new Shape(
                        "authenticate",
                        "POST",
                        "/workload/authenticate",
                        null,
                        () -> null,
                        () -> map("connection", "github", "token", team.githubToken(), "role_hint", "deployer")),
                new Shape(
                        "certificates",
                        "POST",
                        "/ssh/certificates",
                        null,
                        () -> accessToken,
                        () -> map("server", "web-01", "public_key", publicKey)),
                new Shape(
                        "session close",
                        "POST",
                        "/sessions/{name}/close",
                        "00000000-0000-0000-0000-000000000000",
                        () -> accessToken,
                        () -> null),
                new Shape(
                        "secret-folders",
                        "POST",
                        "/secret-folders",
                        null,
                        () -> resources,
                        () -> map("path", "/fuzz/f" + random.nextInt(1_000_000))),
                new Shape(
                        "secrets put",
                        "POST",
                        "/secrets",
                        null,
                        () -> resources,
                        () -> map(
                                "path",
                                "/fuzz/app",
                                "name",
                                "fz" + random.nextInt(1_000_000),
                                "value",
                                "fuzz-value",
                                "encoding",
                                "text",
                                "description",
                                "a secret",
                                "labels",
                                map("env", "dev"))),
                new Shape("secrets list", "GET", "/secrets", null, () -> accessToken, () -> map("path", "/fuzz")),
                new Shape(
                        "secrets describe",
                        "GET",
                        "/secrets/describe",
                        null,
                        () -> accessToken,
                        () -> map("path", "/fuzz/app", "name", "db")),
                new Shape(
                        "secrets reveal",
                        "POST",
                        "/secrets/reveal",
                        null,
                        () -> accessToken,
                        () -> map("path", "/fuzz/app", "name", "db", "version", 1)),
                new Shape(
                        "secrets metadata",
                        "GET",
                        "/secrets/metadata",
                        null,
                        () -> resources,
                        () -> map("path", "/fuzz")),
                new Shape(
                        "secrets versions",
                        "GET",
                        "/secrets/versions",
                        null,
                        () -> resources,
                        () -> map("path", "/fuzz/app", "name", "db")),
                new Shape(
                        "secrets destroy",
                        "POST",
                        "/secrets/versions/destroy",
                        null,
                        () -> resources,
                        () -> map("path", "/fuzz/app", "name", "old", "versions", List.of(1))),
                new Shape(
                        "secrets delete",
                        "POST",
                        "/secrets/delete",
                        null,
                        () -> resources,
                        () -> map("path", "/fuzz/app", "name", "old")),
                new Shape(
                        "secrets undelete",
                        "POST",
                        "/secrets/undelete",
                        null,
                        () -> resources,
                        () -> map("path", "/fuzz/app", "name", "old")),
                new Shape(
                        "audit",
                        "GET",
                        "/audit",
                        null,
                        () -> team.auditor,
                        () -> map(
                                "since",
                                "2026-01-01T00:00:00Z",
                                "until",
                                "2100-01-01T00:00:00Z",
                                "type",
                                "workload.authenticate",
                                "role",
                                "deployer",
                                "server",
                                "web-01",
                                "session",
                                "00000000-0000-0000-0000-000000000000",
                                "after_seq",
                                0,
                                "limit",
                                10)),
                new Shape(
                        "audit run",
                        "GET",
                        "/audit",
                        null,
                        () -> team.auditor,
                        () -> map(
                                "run",
                                "13245678901",
                                "token",
                                "00000000-0000-0000-0000-000000000000",
                                "sub",
                                "repo:acme-corp/deploy-svc:ref:refs/heads/main",
                                "repository",
                                "acme-corp/deploy-svc",
                                "actor",
                                "octocat",
                                "around",
                                1767225600,
                                "window",
                                "PT30M")),
                new Shape(
                        "audit checkpoints",
                        "POST",
                        "/audit/verify",
                        null,
                        () -> team.auditor,
                        () -> map(
                                "checkpoints",
                                List.of(map(
                                        "schema_version",
                                        1,
                                        "record_type",
                                        "audit_checkpoint",
                                        "team",
                                        RunningService.TEAM,
                                        "seq",
                                        1,
                                        "head_hash",
                                        "0".repeat(64),
                                        "signed_at",
                                        "2026-01-01T00:00:00Z",
                                        "key_id",
                                        "0".repeat(64),
                                        "public_key",
                                        "A".repeat(43) + "=",
                                        "signature",
                                        "A".repeat(86))))));
    }

    private Map<String, Object> connection(String name) {
        return map(
                "name",
                name,
                "provider",
                "github-actions",
                "jwks_uri",
                team.jwks.jwksUri(),
                "audiences",
                List.of(TeamSetup.AUDIENCE),
                "algorithms",
                List.of("RS256"),
                "required_claims",
                map("repository_owner", "acme-corp"),
                "max_token_age_seconds",
                600,
                "clock_skew_seconds",
                30);
    }

    private static Map<String, Object> policy(String name) {
        return map(
                "name",
                name,
                "roles",
                List.of("fuzz-role"),
                "servers",
                map("names", List.of("web-01"), "labels", map("env", "prod")),
                "sudo",
                List.of(map("command", "/usr/bin/systemctl restart app")),
                "session_ttl_seconds",
                600,
                "max_concurrent_sessions",
                3,
                "source_addresses",
                List.of("10.0.0.0/8"),
                "secrets",
                List.of(map("path", "/fuzz/app/*", "actions", List.of("list", "reveal"))));
    }

    @TestFactory
    Stream<DynamicTest> noEndpointAnswersFuzzedInputWithAServerErrorOrAWrite() {
        List<DynamicTest> tests = new ArrayList<>();
        for (Shape shape : shapes()) {
            tests.add(DynamicTest.dynamicTest(shape.label(), () -> fuzz(shape)));
        }
        return tests.stream();
    }

    private void fuzz(Shape shape) throws Exception {
        String before = snapshot();
        for (int i = 0; i < COUNT; i++) {
            Request request = mutate(shape);
            HttpResponse<String> r;
            try {
                r = sendRetryingSilence(request);
            } catch (java.io.IOException e) {
                throw new AssertionError(
                        "no answer (" + e.getMessage() + "); seed " + SEED + ", " + shape.label() + " #" + i + ": "
                                + request.describe(),
                        e);
            }
            String after = snapshot();
            String where = "seed " + SEED + ", " + shape.label() + " #" + i + ": " + request.describe() + " -> "
                    + r.statusCode() + " " + r.body();
            assertThat(r.statusCode()).as(where).isLessThan(500);
            if (r.statusCode() >= 400) {
                assertThat(r.headers().firstValue("Content-Type").orElse(""))
                        .as(where)
                        .startsWith("application/problem+json");
                assertThat(after)
                        .as("a refusal wrote to a domain table; " + where)
                        .isEqualTo(before);
            }
            assertThat(r.body()).as(where).doesNotContainIgnoringCase(UNKNOWN);
            before = after;
        }
    }

    /** A request as sent: the body is raw text so that broken JSON and duplicate keys can go out. */
    private record Request(String method, String path, String bearer, String contentType, String body) {
        String describe() {
            String shown = body == null ? "" : body.length() > 300 ? body.substring(0, 300) + "..." : body;
            return method + " " + path + " [" + contentType + "] " + shown;
        }
    }

    private Request mutate(Shape shape) throws Exception {
        String name = shape.pathName();
        if (name != null && random.nextInt(4) == 0) {
            name = hostileString();
        }
        String path = T + shape.path().replace("{name}", name == null ? "" : encode(name));
        if (random.nextInt(30) == 0) {
            path = path.replace(T, "/v1/teams/" + encode(hostileString()));
        }
        String bearer = shape.bearer().get();
        if (random.nextInt(15) == 0) {
            bearer = random.nextBoolean() ? hostileString().replaceAll("[^!-~]", "") : team.auditor;
        }
        Map<String, Object> body = shape.body().get();
        if (shape.method().equals("GET")) {
            return new Request("GET", path + query(body), bearer, null, null);
        }
        if (body == null) {
            // Bodiless calls: fuzz the path, and now and then send a body they do not expect.
            String text = random.nextInt(4) == 0 ? PLAIN.writeValueAsString(map(UNKNOWN + "x", 1)) : null;
            return new Request(shape.method(), path, bearer, text == null ? null : "application/json", text);
        }
        int mode = random.nextInt(20);
        String contentType = "application/json";
        String text;
        if (mode == 0) {
            text = rawHostileBody(body);
        } else if (mode == 1) {
            contentType = pick(
                    "text/plain",
                    "application/xml",
                    "application/x-www-form-urlencoded",
                    "application/json; charset=utf-16",
                    "multipart/form-data; boundary=x",
                    "");
            text = PLAIN.writeValueAsString(body);
        } else {
            int mutations = 1 + random.nextInt(3);
            for (int m = 0; m < mutations; m++) {
                mutateMap(body, 0, true);
            }
            text = (random.nextInt(3) == 0 ? ESCAPED : PLAIN).writeValueAsString(body);
        }
        return new Request(shape.method(), path, bearer, contentType, text);
    }

    private String query(Map<String, Object> params) {
        StringBuilder q = new StringBuilder();
        for (Map.Entry<String, Object> p : params.entrySet()) {
            if (random.nextInt(3) == 0) {
                continue;
            }
            Object value = random.nextInt(3) == 0 ? hostileScalar() : p.getValue();
            q.append(q.length() == 0 ? "?" : "&").append(p.getKey()).append('=').append(encode(String.valueOf(value)));
        }
        if (random.nextInt(5) == 0) {
            q.append(q.length() == 0 ? "?" : "&").append(UNKNOWN).append("=1");
        }
        return q.toString();
    }

    /**
     * Mutates one entry of {@code body}. {@code record} says the map is one of our request types
     * (top level, {@code servers}, a sudo rule), where a new key is an unknown field and carries
     * the marker; elsewhere (claims, labels) keys are data the service may rightly show.
     */
    @SuppressWarnings("unchecked")
    private void mutateMap(Map<String, Object> body, int depth, boolean record) {
        List<String> keys = new ArrayList<>(body.keySet());
        int choice = random.nextInt(10);
        if (keys.isEmpty() || choice == 0) {
            body.put((record ? UNKNOWN : "zz") + hostileName(), hostileValue(0));
            return;
        }
        String key = keys.get(random.nextInt(keys.size()));
        Object current = body.get(key);
        if (choice == 1) {
            body.remove(key);
        } else if (choice <= 3 && depth < 3 && current instanceof Map<?, ?> nested) {
            Map<String, Object> copy = new LinkedHashMap<>((Map<String, Object>) nested);
            mutateMap(copy, depth + 1, depth == 0 && key.equals("servers"));
            body.put(key, copy);
        } else if (choice <= 3 && current instanceof List<?> list && !list.isEmpty()) {
            List<Object> copy = new ArrayList<>(list);
            int index = random.nextInt(copy.size());
            Object element = copy.get(index);
            if (element instanceof Map<?, ?> nested && depth < 3) {
                Map<String, Object> inner = new LinkedHashMap<>((Map<String, Object>) nested);
                mutateMap(inner, depth + 1, depth == 0 && key.equals("sudo"));
                copy.set(index, inner);
            } else {
                copy.set(index, hostileValue(0));
            }
            body.put(key, copy);
        } else if (choice == 4 && current instanceof Map<?, ?> nested) {
            // A hostile name as a map key: claim names, label keys.
            Map<String, Object> copy = new LinkedHashMap<>((Map<String, Object>) nested);
            copy.put(hostileString(), hostileValue(0));
            body.put(key, copy);
        } else {
            body.put(key, hostileValue(0));
        }
    }

    private Object hostileValue(int depth) {
        return switch (random.nextInt(depth > 2 ? 3 : 6)) {
            case 0, 1 -> hostileString();
            case 2 -> hostileScalar();
            case 3 -> {
                List<Object> list = new ArrayList<>();
                int n = random.nextInt(4);
                for (int i = 0; i < n; i++) {
                    list.add(hostileValue(depth + 1));
                }
                yield list;
            }
            case 4 -> map(pick("name", "command", "names", "labels", "k"), hostileValue(depth + 1));
            default -> {
                Object deep = "x";
                // Jackson writes at most 1000 levels; deeper bodies are the raw ones below.
                int levels = pick(50, 200, 900);
                for (int i = 0; i < levels; i++) {
                    deep = random.nextBoolean() ? List.of(deep) : Map.of("a", deep);
                }
                yield deep;
            }
        };
    }

    private Object hostileScalar() {
        return pick(
                null,
                true,
                false,
                0,
                -1,
                1,
                Integer.MAX_VALUE,
                Integer.MIN_VALUE,
                (long) Integer.MAX_VALUE + 1,
                Long.MAX_VALUE,
                Long.MIN_VALUE,
                new BigInteger("9".repeat(40)),
                1.5,
                -0.0,
                1e308,
                Double.MIN_VALUE,
                65_535,
                65_536,
                86_401);
    }

    private String hostileString() {
        int kind = random.nextInt(5);
        if (kind == 0) {
            // Just below, at and above a limit, in ASCII or in multibyte characters.
            int limit = LIMITS[random.nextInt(LIMITS.length)] + random.nextInt(3) - 1;
            String unit = pick("a", "A", "\u20ac", "\ud83d\ude00", "-", "1");
            return unit.repeat(Math.max(1, limit / unit.length()));
        }
        if (kind == 1) {
            return pick(
                    "",
                    " ",
                    "web-01",
                    "deployer",
                    "github",
                    "null",
                    "0",
                    "true",
                    "[]",
                    "{}",
                    "https://token.actions.githubusercontent.com",
                    "http://169.254.169.254/latest",
                    "ALL",
                    "/usr/bin/*",
                    "root;id",
                    "$(id)",
                    "`id`",
                    "a\nb",
                    "2026-01-01T00:00:00Z",
                    "+999999999-12-31T23:59:59Z",
                    "-999999999-01-01T00:00:00Z",
                    "ssh-ed25519 AAAA");
        }
        StringBuilder s = new StringBuilder(pick("", "a", "web-01", "fz"));
        int parts = 1 + random.nextInt(4);
        for (int i = 0; i < parts; i++) {
            s.append(ODD[random.nextInt(ODD.length)]);
            if (random.nextBoolean()) {
                s.append("x".repeat(random.nextInt(40)));
            }
        }
        return s.toString();
    }

    private String hostileName() {
        return pick(
                "",
                "_",
                "x".repeat(100),
                "ghp_0123456789abcdefABCDEF",
                "';DROP TABLE admin;--",
                "\u202e",
                "\u0000",
                "\ud800",
                "<script>",
                "a.b",
                "%s%n");
    }

    /** Broken or doubtful JSON around the valid fields. */
    private String rawHostileBody(Map<String, Object> body) throws Exception {
        String json = PLAIN.writeValueAsString(body);
        String firstKey = body.keySet().iterator().next();
        return switch (random.nextInt(9)) {
            case 0 -> "{\"" + firstKey + "\":" + PLAIN.writeValueAsString(hostileScalar()) + "," + json.substring(1);
            case 1 -> json.substring(0, random.nextInt(json.length()));
            case 2 -> "[".repeat(5000) + "]".repeat(5000);
            case 3 -> "\ufeff" + json;
            case 4 -> json + json;
            case 5 -> "";
            case 6 -> "null";
            case 7 -> json.replace("\"", "'");
            default -> "{\"" + UNKNOWN + "\\u0000\":1," + json.substring(1);
        };
    }

    /**
     * Sends, and sends again once if the first try got no answer at all: the server may close a
     * kept-alive connection after refusing a body, and the client can pick that connection for the
     * next request before it notices. Two silent connections in a row fail the test.
     */
    private HttpResponse<String> sendRetryingSilence(Request request) throws Exception {
        try {
            return send(request);
        } catch (java.io.IOException e) {
            return send(request);
        }
    }

    private HttpResponse<String> send(Request request) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(service.uri() + request.path()))
                .timeout(Duration.ofSeconds(30));
        if (request.bearer() != null) {
            b.header("Authorization", "Bearer " + request.bearer());
        }
        if (request.contentType() != null && !request.contentType().isEmpty()) {
            b.header("Content-Type", request.contentType());
        }
        b.method(
                request.method(),
                request.body() == null
                        ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(request.body(), StandardCharsets.UTF_8));
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Every row of every domain table, hashed: equal before and after means nothing was written. */
    private String snapshot() throws Exception {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        try (Connection c = service.jdbc();
                Statement s = c.createStatement()) {
            for (String table : DOMAIN_TABLES) {
                List<String> rows = new ArrayList<>();
                try (ResultSet rs = s.executeQuery("SELECT * FROM " + table)) {
                    ResultSetMetaData meta = rs.getMetaData();
                    while (rs.next()) {
                        StringBuilder row = new StringBuilder();
                        for (int i = 1; i <= meta.getColumnCount(); i++) {
                            row.append(rs.getString(i)).append('\u0001');
                        }
                        rows.add(row.toString());
                    }
                }
                rows.sort(null);
                digest.update((table + rows).getBytes(StandardCharsets.UTF_8));
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    @SafeVarargs
    private <V> V pick(V... options) {
        return options[random.nextInt(options.length)];
    }

    private static Map<String, Object> map(Object... keysAndValues) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            m.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return m;
    }
}

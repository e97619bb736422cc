package dev.keyless.e2e;

import static dev.keyless.testkit.service.TeamSetup.T;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keyless.testkit.SshKeygen;
import dev.keyless.testkit.service.Api;
import dev.keyless.testkit.service.TeamSetup;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The master-key rotation as the production guide runs it, on the real service jar with H2 and
 * with MariaDB: the service restarted with the new key current and the old one previous, the
 * re-seal ({@code POST /v1/operator/master-key/reseal}) killed with {@code kill -9} while it runs,
 * the service restarted, everything still readable (an exchange, a certificate signed by the CA,
 * every secret revealed); then the re-seal run to its end and the service restarted with the new
 * key alone, everything readable again. On MariaDB the kill waits until the re-seal's transaction
 * has changed rows (seen in {@code information_schema.innodb_trx}), and the rows are then checked
 * to be exactly as before it: all or nothing.
 */
class MasterKeyRotationScenario {
    static final int SECRETS = 200;
    static final String OPERATOR_TOKEN = "op-" + UUID.randomUUID() + UUID.randomUUID();

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"h2", "mariadb"})
    void aReSealKilledMidwayLeavesEverythingReadableAndASecondRunFinishesIt(String database) throws Exception {
        Path dir = Files.createTempDirectory("keyless-rotation");
        MariaDbSchema schema = database.equals("mariadb") ? MariaDbSchema.create(null) : null;
        Map<String, String> env = ServiceProcess.deploymentEnv();
        env.put("KEYLESS_OPERATOR_TOKEN", OPERATOR_TOKEN);
        if (schema != null) {
            env.put("KEYLESS_DB_URL", schema.jdbcUrl());
            env.put("KEYLESS_DB_USER", "root");
            env.put("KEYLESS_DB_PASSWORD", "");
        }
        String oldKey = env.get("KEYLESS_MASTER_KEY");
        byte[] fresh = new byte[32];
        new SecureRandom().nextBytes(fresh);
        String newKey = Base64.getEncoder().encodeToString(fresh);
        ServiceProcess service = ServiceProcess.start(dir, env);
        TeamSetup team = null;
        try {
            team = new TeamSetup(service.uri(), service.bootstrapToken()).standard();
            Map<String, String> values = putSecrets(team, new Api(service.uri()));
            String publicKey = Files.readString(Path.of(SshKeygen.generate(dir, "job", "ed25519", 0, "job") + ".pub"))
                    .trim();
            assertReadable(service, team, values, publicKey);

            // Step 1 of the guide: every replica restarted with the new key current, the old one previous.
            Map<String, String> rotating = new HashMap<>(env);
            rotating.put("KEYLESS_MASTER_KEY", newKey);
            rotating.put("KEYLESS_MASTER_KEY_PREVIOUS", oldKey);
            service.close();
            service = ServiceProcess.start(dir, rotating);
            assertReadable(service, team, values, publicKey);

            // Step 2, killed: kill -9 while the re-seal runs, then a restart: nothing is lost.
            String before = schema == null ? null : sealedColumns(schema);
            if (schema != null) {
                AuditStreamScenario.await("the audit chainer to be idle", () -> schema.query(
                                "SELECT COUNT(*) FROM audit_event WHERE seq IS NULL")
                        .strip()
                        .equals("0"));
            }
            // On MariaDB a second session holds one data key's row lock, so the re-seal stops inside
            // its transaction at that row, after it has changed the rows before it: the kill lands there.
            Process lock = schema == null ? null : lockOneRow(schema);
            Process killer = schema == null ? null : killInsideTheTransaction(schema, service);
            CompletableFuture<Api.Response> call = reseal(service);
            if (schema != null) {
                assertThat(killer.waitFor(120, java.util.concurrent.TimeUnit.SECONDS))
                        .as("the killer loop ended")
                        .isTrue();
                String said = new String(
                                killer.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8)
                        .strip();
                System.out.println("master-key rotation (mariadb): " + said);
                service.kill();
                lock.destroy();
                lock.waitFor();
                if (said.startsWith("killed at")) {
                    assertThat(sealedColumns(schema))
                            .as("a re-seal killed inside its transaction changed nothing")
                            .isEqualTo(before);
                }
            } else {
                Thread.sleep(150);
                service.kill();
            }
            System.out.println("master-key rotation (" + database + "): the re-seal call, killed, ended with "
                    + call.handle((r, e) -> e == null
                                    ? "HTTP " + r.status()
                                    : e.getClass().getSimpleName())
                            .get());
            service = ServiceProcess.start(dir, rotating);
            assertReadable(service, team, values, publicKey);

            // Step 2 again, to its end; a third run moves nothing.
            Api.Response done = reseal(service).get();
            assertThat(done.status()).as(done.body()).isEqualTo(200);
            JsonNode resealed = done.json().get("resealed");
            assertThat(resealed.get("secret_data_keys").asInt())
                    .as("all or nothing: the killed run moved every data key or none")
                    .isIn(0, SECRETS);
            assertThat(done.json().get("previous_key_held").asBoolean()).isTrue();
            Api.Response again = reseal(service).get();
            for (String kind : List.of("ca_keys", "secret_data_keys", "service_keys")) {
                assertThat(again.json().get("resealed").get(kind).asInt())
                        .as(kind + " moved by a second full run")
                        .isZero();
            }
            if (schema != null) {
                assertThat(sealedColumns(schema)).isNotEqualTo(before);
            }

            // Step 3: the previous key removed; the new key alone opens everything.
            Map<String, String> rotated = new HashMap<>(env);
            rotated.put("KEYLESS_MASTER_KEY", newKey);
            service.close();
            service = ServiceProcess.start(dir, rotated);
            assertReadable(service, team, values, publicKey);
            Api.Response verified = reseal(service).get();
            assertThat(verified.status()).isEqualTo(200);
            assertThat(verified.json().get("previous_key_held").asBoolean()).isFalse();
            assertThat(service.log()).doesNotContain(oldKey).doesNotContain(newKey);
        } finally {
            service.close();
            if (team != null) {
                team.close();
            }
            if (schema != null) {
                schema.close();
            }
            Stack.deleteTree(dir);
        }
    }

    private static Map<String, String> putSecrets(TeamSetup team, Api api) {
        String resources = api.post(T + "/admins", team.security, Map.of("name", "vault", "role", "resource_admin"))
                .json()
                .get("token")
                .asText();
        assertThat(api.post(T + "/secret-folders", resources, Map.of("path", "/rot"))
                        .status())
                .isEqualTo(201);
        Map<String, String> values = new LinkedHashMap<>();
        for (int i = 0; i < SECRETS; i++) {
            String value = "v-" + UUID.randomUUID();
            Api.Response put =
                    api.post(T + "/secrets", resources, Map.of("path", "/rot", "name", "s" + i, "value", value));
            assertThat(put.status()).as(put.body()).isEqualTo(201);
            values.put("s" + i, value);
        }
        Api.Response policy = api.post(
                T + "/policies",
                team.security,
                Map.of(
                        "name",
                        "rot",
                        "roles",
                        List.of("deployer"),
                        "secrets",
                        List.of(Map.of("path", "/rot/*", "actions", List.of("reveal")))));
        assertThat(policy.status()).as(policy.body()).isEqualTo(201);
        return values;
    }

    /** An exchange (the signing key opens), a certificate (the user CA opens), every secret revealed. */
    private static void assertReadable(ServiceProcess service, TeamSetup team, Map<String, String> values, String key) {
        Api api = new Api(service.uri());
        Api.Response exchanged = api.post(
                T + "/workload/authenticate",
                null,
                Map.of("connection", "github", "token", team.githubToken(), "role_hint", "deployer"));
        assertThat(exchanged.status()).as(exchanged.body()).isEqualTo(200);
        String token = exchanged.json().get("access_token").asText();
        Api.Response certificate =
                api.post(T + "/ssh/certificates", token, Map.of("server", "web-01", "public_key", key));
        assertThat(certificate.status()).as(certificate.body()).isEqualTo(201);
        values.forEach((name, value) -> {
            Api.Response revealed = api.post(T + "/secrets/reveal", token, Map.of("path", "/rot", "name", name));
            assertThat(revealed.status()).as(name + ": " + revealed.body()).isEqualTo(200);
            assertThat(revealed.json().get("value").asText()).isEqualTo(value);
        });
    }

    private static CompletableFuture<Api.Response> reseal(ServiceProcess service) {
        Api api = new Api(service.uri());
        return CompletableFuture.supplyAsync(() -> api.post("/v1/operator/master-key/reseal", OPERATOR_TOKEN, null));
    }

    /**
     * Starts a shell loop that polls MariaDB (a query every few ms) until a transaction of the
     * service has changed more than 10 rows, then kills the service from that loop (after 15 s it
     * kills anyway: a quick re-seal can fall between two polls, and the caller then only checks
     * all-or-nothing from the counts); returns once the loop is polling. The caller waited for the audit chainer to be idle, so with no request
     * in flight but the re-seal that transaction is the re-seal's.
     */
    private static Process killInsideTheTransaction(MariaDbSchema schema, ServiceProcess service) throws Exception {
        String query = "SELECT COALESCE(MAX(t.trx_rows_modified), 0) FROM information_schema.innodb_trx t JOIN"
                + " information_schema.processlist p ON p.id = t.trx_mysql_thread_id WHERE p.db = '" + schema.name
                + "'";
        String loop = "echo polling >&2; end=$((SECONDS + 15)); while [ $SECONDS -lt $end ]; do"
                + " n=$(mariadb -uroot -h127.0.0.1 -N -B -e \"" + query + "\"); if [ \"$n\" -gt 10 ]; then kill -9 "
                + service.pid() + "; echo \"killed at $n rows\"; exit 0; fi; done; kill -9 " + service.pid()
                + "; echo 'killed after 15 s, the re-seal transaction not seen in a poll'";
        Process p = new ProcessBuilder("bash", "-c", loop).start();
        // Once it says so, it is polling: the re-seal may start.
        assertThat(new java.io.BufferedReader(new java.io.InputStreamReader(
                                p.getErrorStream(), java.nio.charset.StandardCharsets.UTF_8))
                        .readLine())
                .isEqualTo("polling");
        Thread.sleep(200);
        return p;
    }

    /** A session that locks the row of data key {@code s99} for 30 s, then rolls back. */
    private static Process lockOneRow(MariaDbSchema schema) throws Exception {
        Process p = new ProcessBuilder(
                        "mariadb",
                        "-uroot",
                        "-h127.0.0.1",
                        "--unbuffered",
                        "-N",
                        "-B",
                        schema.name,
                        "-e",
                        "BEGIN; SELECT 'locked' FROM secret_version WHERE name = 's99' FOR UPDATE; SELECT SLEEP(30);"
                                + " ROLLBACK;")
                .start();
        assertThat(new java.io.BufferedReader(new java.io.InputStreamReader(
                                p.getInputStream(), java.nio.charset.StandardCharsets.UTF_8))
                        .readLine())
                .isEqualTo("locked");
        return p;
    }

    /** Every sealed column of the schema, in a fixed order. */
    private static String sealedColumns(MariaDbSchema schema) {
        return schema.query("SELECT sealed_private FROM ca_key ORDER BY team, kind, key_id")
                + schema.query("SELECT sealed_private FROM service_key ORDER BY key_id")
                + schema.query("SELECT sealed_key FROM secret_version ORDER BY team, path, name, version");
    }
}

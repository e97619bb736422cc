package dev.keyless.cli;

import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static dev.keyless.cli.FakeService.ACCESS_TOKEN;
import static dev.keyless.cli.FakeService.ADMIN_TOKEN;
import static dev.keyless.cli.FakeService.PLATFORM_TOKEN;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code keyless secrets ...}, {@code exec --secret} and {@code admin secrets ...} in-process
 * against a WireMock service (the CLI module may not depend on the service; the e2e scenario runs
 * them against the real one). The rule for every run: a value reaches stdout only from {@code
 * reveal}, and never stderr.
 */
class SecretsCliTest {
    static final String VALUE = "pa55-w0rd-value";
    static final String MULTI = "-----BEGIN KEY-----\nline-one-secret\nline-two-secret\n-----END KEY-----\n";

    private FakeService service;
    private final Map<String, String> env = new HashMap<>();

    @TempDir
    Path tmp;

    record Run(int exit, String out, String err) {}

    @BeforeEach
    void start() {
        service = new FakeService();
        env.put("PATH", System.getenv("PATH"));
        env.put("KEYLESS_ADDR", service.url());
        env.put("KEYLESS_CONNECTION", "github");
        env.put("MY_JWT", PLATFORM_TOKEN);
        env.put("KEYLESS_ADMIN_TOKEN", ADMIN_TOKEN);
        env.put("KEYLESS_TEMP_DIR", tmp.toString());
        reveals("/ci/app", "db", "text", VALUE);
        reveals("/ci/app", "key", "text", MULTI.replace("\n", "\\n"));
        service.wm.stubFor(get(urlPathEqualTo("/v1/teams/default/secrets"))
                .willReturn(FakeService.json("{\"secrets\":[{\"path\":\"/ci/app\",\"name\":\"db\",\"version\":3,"
                        + "\"updated_at\":\"2026-01-01T00:00:00Z\"}]}")));
    }

    private void reveals(String path, String name, String encoding, String jsonValue) {
        service.wm.stubFor(post(urlPathEqualTo("/v1/teams/default/secrets/reveal"))
                .withRequestBody(matchingJsonPath("$.name", equalTo(name)))
                .willReturn(FakeService.json("{\"path\":\"" + path + "\",\"name\":\"" + name + "\",\"version\":3,"
                        + "\"encoding\":\"" + encoding + "\",\"value\":\"" + jsonValue + "\"}")));
    }

    @AfterEach
    void stop() {
        service.close();
    }

    private Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = KeylessCli.run(args, env, new PrintWriter(out), new PrintWriter(err));
        Run run = new Run(exit, out.toString(), err.toString());
        assertThat(run.err()).doesNotContain(VALUE, "line-one-secret", PLATFORM_TOKEN, ACCESS_TOKEN, ADMIN_TOKEN);
        assertThat(run.out()).doesNotContain(PLATFORM_TOKEN, ACCESS_TOKEN, ADMIN_TOKEN);
        return run;
    }

    @Test
    void revealPrintsTheValueAloneAfterAFreshExchange() {
        Run r = run("secrets", "reveal", "--jwt-env", "MY_JWT", "--path", "/ci/app", "--name", "db");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).isEqualTo(VALUE);
        service.wm.verify(1, postRequestedFor(urlPathEqualTo("/v1/teams/default/workload/authenticate")));
        service.wm.verify(postRequestedFor(urlPathEqualTo("/v1/teams/default/secrets/reveal"))
                .withHeader("Authorization", equalTo("Bearer " + ACCESS_TOKEN))
                .withRequestBody(equalToJson("{\"path\":\"/ci/app\",\"name\":\"db\",\"version\":null}")));
    }

    @Test
    void revealUsesKeylessTokenWhenSetAndExchangesNothing() {
        env.put("KEYLESS_TOKEN", "at-from-env-0123456789");
        Run r = run("secrets", "reveal", "--path", "/ci/app", "--name", "db", "--version", "3");
        assertThat(r.out()).isEqualTo(VALUE);
        service.wm.verify(0, postRequestedFor(urlPathEqualTo("/v1/teams/default/workload/authenticate")));
        service.wm.verify(postRequestedFor(urlPathEqualTo("/v1/teams/default/secrets/reveal"))
                .withHeader("Authorization", equalTo("Bearer at-from-env-0123456789"))
                .withRequestBody(matchingJsonPath("$.version", equalTo("3"))));
    }

    @Test
    void revealOutputsJsonEnvAndFile() throws Exception {
        env.put("KEYLESS_TOKEN", "at-from-env-0123456789");
        Run json = run("secrets", "reveal", "--path", "/ci/app", "--name", "db", "--output", "json");
        assertThat(json.out()).contains("\"value\":\"" + VALUE + "\"", "\"version\":3");
        Run envLine = run("secrets", "reveal", "--path", "/ci/app", "--name", "db", "--output", "env");
        assertThat(envLine.out().strip()).isEqualTo("DB='" + VALUE + "'");
        Path file = tmp.resolve("db.txt");
        Run toFile = run(
                "secrets",
                "reveal",
                "--path",
                "/ci/app",
                "--name",
                "key",
                "--output",
                "file",
                "--file",
                file.toString());
        assertThat(toFile.exit()).isZero();
        assertThat(toFile.out()).isEmpty();
        assertThat(Files.readString(file)).isEqualTo(MULTI);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
                .isEqualTo("rw-------");
        Run again = run(
                "secrets",
                "reveal",
                "--path",
                "/ci/app",
                "--name",
                "key",
                "--output",
                "file",
                "--file",
                file.toString());
        assertThat(again.exit()).isEqualTo(ExitCodes.USAGE);
    }

    @Test
    void aRefusalIsOneClearLineAndExit3() {
        env.put("KEYLESS_TOKEN", "at-from-env-0123456789");
        service.wm.stubFor(post(urlPathEqualTo("/v1/teams/default/secrets/reveal"))
                .withRequestBody(matchingJsonPath("$.name", equalTo("other")))
                .willReturn(FakeService.problem(
                        403,
                        "{\"type\":\"urn:keyless:problem:secret-denied\",\"status\":403,\"check\":\"secret-denied\","
                                + "\"detail\":\"No policy grants role 'deployer' reveal on /ci/app/other\"}")));
        Run r = run("secrets", "reveal", "--path", "/ci/app", "--name", "other");
        assertThat(r.exit()).isEqualTo(ExitCodes.REFUSED);
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).contains("secret-denied", "No policy grants role 'deployer' reveal on /ci/app/other");
    }

    @Test
    void listPrintsNamesAndVersionsOnly() {
        env.put("KEYLESS_TOKEN", "at-from-env-0123456789");
        Run r = run("secrets", "list", "--path", "/ci");
        assertThat(r.out().strip()).isEqualTo("/ci/app/db  version=3  updated_at=2026-01-01T00:00:00Z");
    }

    @Test
    void execPutsSecretsInTheCommandsEnvironmentOrA0600FileAndRemovesItAfter() throws Exception {
        Path seen = tmp.resolve("seen");
        Run r = run(
                "exec",
                "--jwt-env",
                "MY_JWT",
                "--secret",
                "DB_PASSWORD=/ci/app/db",
                "--secret",
                "DEPLOY_KEY=/ci/app/key",
                "--",
                "sh",
                "-c",
                "{ printf '%s|' \"$DB_PASSWORD\"; stat -c %a \"$DEPLOY_KEY_FILE\"; cat \"$DEPLOY_KEY_FILE\";"
                        + " echo \"$DEPLOY_KEY_FILE\"; } > " + seen + "; echo \"visible: $DB_PASSWORD\"");
        assertThat(r.exit()).as(r.err()).isZero();
        String out = Files.readString(seen);
        assertThat(out).startsWith(VALUE + "|600\n" + MULTI);
        Path keyFile =
                Path.of(out.substring((VALUE + "|600\n" + MULTI).length()).strip());
        assertThat(keyFile).doesNotExist();
        try (Stream<Path> left = Files.list(tmp)) {
            assertThat(left).containsExactly(seen);
        }
    }

    @Test
    void execRefusesABadBindingBeforeAnyExchange() {
        Run r = run("exec", "--jwt-env", "MY_JWT", "--secret", "PATH=/ci/app/db", "--", "true");
        assertThat(r.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.err()).contains("--secret", "used by the job itself");
        service.wm.verify(0, postRequestedFor(urlPathEqualTo("/v1/teams/default/workload/authenticate")));
    }

    @Test
    void adminPutReadsTheValueFromAFileNeverFromArgv() throws Exception {
        service.wm.stubFor(post(urlPathEqualTo("/v1/teams/default/secrets"))
                .willReturn(FakeService.json("{\"path\":\"/ci/app\",\"name\":\"db\",\"version\":4}")));
        Path file = tmp.resolve("value");
        Files.writeString(file, VALUE);
        Run r = run("admin", "secrets", "put", "--path", "/ci/app", "--name", "db", "--from-file", file.toString());
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out().strip()).isEqualTo("/ci/app/db version 4");
        service.wm.verify(postRequestedFor(urlPathEqualTo("/v1/teams/default/secrets"))
                .withHeader("Authorization", equalTo("Bearer " + ADMIN_TOKEN))
                .withRequestBody(equalToJson(
                        "{\"path\":\"/ci/app\",\"name\":\"db\",\"value\":\"" + VALUE + "\",\"encoding\":\"text\"}")));
        Run noSource = run("admin", "secrets", "put", "--path", "/ci/app", "--name", "db");
        assertThat(noSource.exit()).isEqualTo(ExitCodes.USAGE);
        Run argv = run("admin", "secrets", "put", "--path", "/ci/app", "--name", "db", "--value", "on-argv");
        assertThat(argv.exit()).isEqualTo(ExitCodes.USAGE);
    }
}

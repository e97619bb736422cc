package dev.keyless.e2e;

import static dev.keyless.e2e.HostAgentScenario.within;
import static dev.keyless.testkit.service.TeamSetup.AUDIENCE;
import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.keyless.testkit.CommandResult;
import dev.keyless.testkit.Commands;
import dev.keyless.testkit.LinuxUsers;
import dev.keyless.testkit.gitlab.ComponentTemplate;
import dev.keyless.testkit.service.TeamSetup;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The GitLab CI/CD component as a pipeline includes it: {@code templates/ssh.yml} rendered with its
 * inputs, then the rendered job's {@code script} run by bash the way a shell runner runs it, with
 * the job's {@code variables}, GitLab's predefined variables and the {@code id_tokens} variable
 * holding a GitLab-shaped token, against the real service, host agent and sshd.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GitLabComponentScenario {
    static final Path TEMPLATE = Path.of("../gitlab-component/templates/ssh.yml");
    static final String ROLE = "glcomponent";
    static final String USER = "wl_" + ROLE;

    final String password = "pw-" + UUID.randomUUID();
    final String keyLineOne = "key-line-" + UUID.randomUUID();
    final String keyLineTwo = "key-line-" + UUID.randomUUID();
    final String key = "-----BEGIN TEST KEY-----\n" + keyLineOne + "\n" + keyLineTwo + "\n-----END TEST KEY-----\n";
    Stack stack;
    TeamSetup team;
    String cliSha256;

    @BeforeAll
    void start() throws Exception {
        stack = Stack.start("glunused");
        team = stack.team;
        team.activeConnection(team.gitlabConnectionSpec("gitlab-prod"));
        stack.grant(ROLE, "gitlab-prod", Map.of("project_path", "platform/deploy-svc", "ref", "main"));
        stack.secrets("/gl/app", Map.of("db-password", password, "deploy-key", key), List.of(ROLE), List.of("reveal"));
        cliSha256 = HexFormat.of()
                .formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(CliProcess.JAR)));
    }

    @AfterAll
    void stop() {
        if (stack != null) {
            stack.close();
        }
    }

    Map<String, Object> inputs(String sha256) {
        Map<String, Object> inputs = new HashMap<>();
        inputs.put("service_url", stack.service.uri().toString());
        inputs.put("team", TeamSetup.TEAM);
        inputs.put("connection", "gitlab-prod");
        inputs.put("role", ROLE);
        inputs.put("servers", "web-01");
        inputs.put("script", "ssh web-01 whoami > out.txt\nssh web-01 sudo -n /usr/bin/true");
        inputs.put("audience", AUDIENCE);
        inputs.put("job_name", "deploy web");
        inputs.put("cli_sha256", sha256);
        return inputs;
    }

    /** A job's run: what the runner printed and what the project directory holds afterwards. */
    record JobRun(CommandResult result, Path projectDir, Path tmpDir, List<String> secrets) {}

    /**
     * Renders the component and runs its job like a shell runner: each {@code script} entry in one
     * bash with {@code set -eo pipefail}, in the project directory, with the job's variables.
     */
    @SuppressWarnings("unchecked") // the rendered job is YAML maps and lists
    JobRun runJob(Map<String, Object> inputs, Map<String, String> extraEnv) throws Exception {
        Map<String, Object> rendered = ComponentTemplate.load(TEMPLATE).render(inputs);
        Map<String, Object> job = (Map<String, Object>) rendered.get(inputs.get("job_name"));
        Map<String, Object> idTokens = (Map<String, Object>) job.get("id_tokens");
        assertThat(idTokens).containsOnlyKeys("KEYLESS_ID_TOKEN");
        Map<String, String> variables = new HashMap<>();
        ((Map<String, Object>) job.get("variables")).forEach((k, v) -> variables.put(k, String.valueOf(v)));
        // GitLab expands variables in id_tokens:aud and in variables' values (the component's
        // default audience is $KEYLESS_SERVICE_URL); only whole-value references are used here.
        String audience =
                expand((String) ((Map<String, Object>) idTokens.get("KEYLESS_ID_TOKEN")).get("aud"), variables);

        Path projectDir = Files.createTempDirectory(stack.dir, "project");
        String idToken = team.gitlabToken(audience, Map.of());
        String jobToken = "glcbt-" + HexFormat.of().formatHex(new SecureRandom().generateSeed(16));

        Map<String, String> env = CliProcess.baseEnv();
        // predefined variables
        env.put("CI", "true");
        env.put("GITLAB_CI", "true");
        env.put("CI_SERVER_URL", team.gitlabIssuer());
        env.put("CI_JOB_ID", "5551234");
        env.put("CI_JOB_NAME", (String) inputs.get("job_name"));
        env.put("CI_JOB_STAGE", String.valueOf(job.get("stage")));
        env.put("CI_JOB_TOKEN", jobToken);
        env.put("CI_PIPELINE_ID", "98765");
        env.put("CI_PIPELINE_SOURCE", "push");
        env.put("CI_PROJECT_PATH", "platform/deploy-svc");
        env.put("CI_PROJECT_DIR", projectDir.toString());
        env.put("CI_COMMIT_REF_NAME", "main");
        env.put("CI_COMMIT_SHA", "4f2c9a1e0b7d6c5a4b3f2e1d0c9b8a7f6e5d4c3b");
        env.put("CI_BUILDS_DIR", stack.dir.toString());
        Path tmpDir = Files.createTempDirectory(stack.dir, "tmp");
        env.put("TMPDIR", tmpDir.toString());
        // the job's variables (the renderer has checked they are text or numbers), then its id_tokens
        variables.forEach((k, v) -> env.put(k, expand(v, variables)));
        env.put("KEYLESS_ID_TOKEN", idToken);
        env.putAll(extraEnv);

        List<String> script = (List<String>) job.get("script");
        String shell = "set -eo pipefail\n" + String.join("\n", script);
        Map<String, String> full = new HashMap<>();
        System.getenv().keySet().forEach(name -> full.put(name, null));
        full.putAll(env);
        List<String> argv = List.of("bash", "-c", "cd \"$CI_PROJECT_DIR\" && " + shell);
        CommandResult result = Commands.run(argv, full, Duration.ofMinutes(2));
        return new JobRun(result, projectDir, tmpDir, List.of(idToken, jobToken));
    }

    /** A value that is one {@code $NAME} reference to another job variable, expanded; others as they are. */
    static String expand(String value, Map<String, String> variables) {
        if (value.matches("\\$[A-Za-z_][A-Za-z0-9_]*") && variables.containsKey(value.substring(1))) {
            return variables.get(value.substring(1));
        }
        return value;
    }

    static void assertNoSecret(JobRun run) throws Exception {
        String output = run.result().stdout() + run.result().stderr();
        List<Path> files = new ArrayList<>();
        try (var walk = Files.walk(run.projectDir())) {
            walk.filter(Files::isRegularFile).forEach(files::add);
        }
        for (String secret : run.secrets()) {
            assertThat(output).doesNotContain(secret);
            assertThat(output).doesNotContain(secret.substring(secret.lastIndexOf('.') + 1));
            for (Path f : files) {
                assertThat(Files.readString(f)).as(f.toString()).doesNotContain(secret);
            }
        }
    }

    @Test
    void theRenderedJobRunsTheScriptAsTheRoleWithTheBuiltCli() throws Exception {
        Map<String, Object> inputs = inputs(cliSha256);
        inputs.put("debug", true);
        JobRun run = runJob(
                inputs,
                Map.of("KEYLESS_CLI_JAR", CliProcess.JAR.toAbsolutePath().toString()));
        assertThat(run.result().exitCode())
                .as(run.result().stdout() + run.result().stderr())
                .isZero();
        assertThat(Files.readString(run.projectDir().resolve("out.txt")).strip())
                .isEqualTo(USER);
        assertThat(run.result().stderr())
                .as("debug: true shows the steps")
                .contains("exchanged at connection gitlab-prod");
        assertNoSecret(run);
        assertThat(within(2_000, () -> !LinuxUsers.exists(USER)))
                .as("account removed after the job")
                .isTrue();
    }

    @Test
    void theSecretsInputReachesTheScriptAndTheJobLogShowsItMasked() throws Exception {
        Map<String, Object> inputs = inputs(cliSha256);
        inputs.put("secrets", "DB_PASSWORD=/gl/app/db-password\nDEPLOY_KEY=/gl/app/deploy-key");
        // The script prints both values on purpose: the job log must show them masked.
        inputs.put(
                "script",
                """
                echo "password: $DB_PASSWORD"
                cat "$DEPLOY_KEY_FILE"
                printf %s "$DB_PASSWORD" | sha256sum | cut -c1-64 > password.sha256
                sha256sum < "$DEPLOY_KEY_FILE" | cut -c1-64 > key.sha256
                ssh web-01 whoami > out.txt""");
        JobRun run = runJob(
                inputs,
                Map.of("KEYLESS_CLI_JAR", CliProcess.JAR.toAbsolutePath().toString()));
        String log = run.result().stdout() + run.result().stderr();
        assertThat(run.result().exitCode()).as(log).isZero();
        assertThat(Files.readString(run.projectDir().resolve("password.sha256")).strip())
                .isEqualTo(sha256(password));
        assertThat(Files.readString(run.projectDir().resolve("key.sha256")).strip())
                .isEqualTo(sha256(key));
        assertThat(Files.readString(run.projectDir().resolve("out.txt")).strip())
                .isEqualTo(USER);
        assertThat(log).contains("password: ***");
        for (String value : List.of(password, keyLineOne, keyLineTwo)) {
            assertThat(log).as("job log").doesNotContain(value);
            assertThat(stack.service.log()).as("service log").doesNotContain(value);
            try (var walk = Files.walk(run.projectDir())) {
                for (Path f : walk.filter(Files::isRegularFile).toList()) {
                    assertThat(Files.readString(f)).as(f.toString()).doesNotContain(value);
                }
            }
        }
        assertThat(run.tmpDir()).as("no secret file left behind").isEmptyDirectory();
        assertNoSecret(run);
        assertThat(within(2_000, () -> !LinuxUsers.exists(USER))).isTrue();
    }

    private static String sha256(String value) throws Exception {
        return HexFormat.of()
                .formatHex(MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void theAudienceDefaultsToTheServiceUrlAsInTheAction() throws Exception {
        Map<String, Object> inputs = inputs(cliSha256);
        inputs.remove("audience");
        JobRun run = runJob(
                inputs,
                Map.of("KEYLESS_CLI_JAR", CliProcess.JAR.toAbsolutePath().toString()));
        // The token is asked for the service URL (KEYLESS_SERVICE_URL); the team's connection lists only
        // AUDIENCE, so the service refuses it and the hint names the audience it expects.
        assertThat(run.result().exitCode())
                .as(run.result().stdout() + run.result().stderr())
                .isEqualTo(3);
        assertThat(run.result().stderr()).contains("token-audience-mismatch").contains(AUDIENCE);
        assertThat(run.projectDir().resolve("out.txt")).doesNotExist();
        assertNoSecret(run);
    }

    @Test
    void withoutAJarTheJobDownloadsItAndChecksItsDigest() throws Exception {
        AtomicInteger downloads = new AtomicInteger();
        HttpServer downloadsServer = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        downloadsServer.createContext("/downloads/keyless.jar", exchange -> {
            try (exchange) {
                downloads.incrementAndGet();
                byte[] jar = Files.readAllBytes(CliProcess.JAR);
                exchange.sendResponseHeaders(200, jar.length);
                exchange.getResponseBody().write(jar);
            }
        });
        downloadsServer.start();
        try {
            String url = "http://127.0.0.1:" + downloadsServer.getAddress().getPort() + "/downloads/keyless.jar";
            Map<String, Object> inputs = inputs(cliSha256);
            inputs.put("cli_url", url);
            JobRun run = runJob(inputs, Map.of());
            assertThat(run.result().exitCode())
                    .as(run.result().stdout() + run.result().stderr())
                    .isZero();
            assertThat(downloads.get()).isEqualTo(1);
            assertThat(Files.readString(run.projectDir().resolve("out.txt")).strip())
                    .isEqualTo(USER);
            assertThat(run.result().stderr()).as("no debug by default").doesNotContain("exchanged at connection");
            assertNoSecret(run);
            assertThat(run.tmpDir()).as("downloaded jar removed").isEmptyDirectory();

            Map<String, Object> tampered = inputs(HexFormat.of().formatHex(new byte[32]));
            tampered.put("cli_url", url);
            JobRun refused = runJob(tampered, Map.of());
            assertThat(refused.result().exitCode()).isNotZero();
            assertThat(refused.projectDir().resolve("out.txt")).doesNotExist();
            assertNoSecret(refused);
            assertThat(refused.tmpDir()).as("refused jar removed too").isEmptyDirectory();
        } finally {
            downloadsServer.stop(0);
        }
        assertThat(within(2_000, () -> !LinuxUsers.exists(USER))).isTrue();
    }
}

package dev.keyless.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keyless.e2e.pipeline.PipelineHarness;
import dev.keyless.testkit.LinuxUsers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The shared library's {@code vars/withWorkloadSsh.groovy}, run by the real Groovy engine in a
 * minimal Pipeline harness whose {@code sh} really runs, against the real service, host agent and
 * sshd, with a token shaped like the Jenkins OIDC provider plugin's (no {@code jti}, {@code sub} =
 * the job URL) bound by {@code withCredentials}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class JenkinsLibraryScenario {
    static final String ROLE = "jenkinsdeploy";
    static final String USER = "wl_" + ROLE;
    static final String JOB_URL = "https://jenkins.example.com/job/platform/job/deploy-svc/job/main/";
    static final Path VARS = Path.of("../jenkins-plugin/pipeline-library/vars");
    static final Path CLI = Path.of("../cli/target/keyless.jar").toAbsolutePath();
    static final Pattern ACCESS_TOKEN = Pattern.compile("\"access_token\"\\s*:\\s*\"([^\"]+)\"");

    final String password = "pw-" + UUID.randomUUID();
    final String keyLineOne = "key-line-" + UUID.randomUUID();
    final String keyLineTwo = "key-line-" + UUID.randomUUID();
    final String key = "-----BEGIN TEST KEY-----\n" + keyLineOne + "\n" + keyLineTwo + "\n-----END TEST KEY-----\n";

    Stack stack;
    String oidcToken;

    @BeforeAll
    void start() throws Exception {
        stack = Stack.start(ROLE, team -> {
            team.activeJenkinsConnection("jenkins");
            team.role(ROLE, "jenkins", Map.of("sub", "https://jenkins.example.com/job/platform/job/deploy-svc/*"));
        });
        stack.secrets(
                "/jenkins/app", Map.of("db-password", password, "deploy-key", key), List.of(ROLE), List.of("reveal"));
    }

    @AfterAll
    void stop() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void theBlockRunsAsTheRoleAccountAndTheLogHoldsNoSecret() throws Exception {
        Path workspace = Files.createTempDirectory(stack.dir, "ws");
        PipelineHarness pipeline = harness(workspace);
        pipeline.run(
                jenkinsfile(
                        """
                {
                    sh 'ssh web-01 whoami > whoami.txt'
                    sh 'ssh web-01 sudo -n /usr/bin/true'
                    sh 'test -S "$SSH_AUTH_SOCK" && test -f "$KEYLESS_SSH_CONFIG"'
                    sh 'test -z "${KEYLESS_JENKINS_TOKEN:-}"'
                }
                """));

        assertThat(Files.readString(workspace.resolve("whoami.txt")).trim())
                .as(pipeline.log())
                .isEqualTo(USER);
        assertNoSecret(pipeline.log());
        assertThat(HostAgentScenario.within(2_000, () -> !LinuxUsers.exists(USER)))
                .as("account removed within 2 s of the block's end")
                .isTrue();
        assertThat(leftovers(workspace)).isEmpty();
    }

    @Test
    void aFailingBlockStillClosesTheSessionAndRemovesTheAccount() throws Exception {
        Path workspace = Files.createTempDirectory(stack.dir, "ws");
        PipelineHarness pipeline = harness(workspace);
        assertThatThrownBy(
                        () -> pipeline.run(
                                jenkinsfile(
                                        """
                        {
                            sh 'ssh web-01 whoami > whoami.txt'
                            sh 'exit 7'
                        }
                        """)))
                .hasMessage("script returned exit code 7");

        assertThat(Files.readString(workspace.resolve("whoami.txt")).trim())
                .as(pipeline.log())
                .isEqualTo(USER);
        assertThat(HostAgentScenario.within(2_000, () -> !LinuxUsers.exists(USER)))
                .as("account removed within 2 s of the failure: " + pipeline.log())
                .isTrue();
        assertThat(pipeline.log()).contains("keyless: sessions closed (keyless exec exit 0)");
        assertNoSecret(pipeline.log());
        assertThat(leftovers(workspace)).isEmpty();
    }

    @Test
    void theScriptFormRunsTheScriptThroughKeylessExec() throws Exception {
        Path workspace = Files.createTempDirectory(stack.dir, "ws");
        PipelineHarness pipeline = harness(workspace);
        pipeline.run(
                jenkinsfile("", "script: 'ssh web-01 whoami > whoami.txt; test -z \"${KEYLESS_JENKINS_TOKEN:-}\"'"));

        assertThat(Files.readString(workspace.resolve("whoami.txt")).trim())
                .as(pipeline.log())
                .isEqualTo(USER);
        assertNoSecret(pipeline.log());
        assertThat(HostAgentScenario.within(2_000, () -> !LinuxUsers.exists(USER)))
                .isTrue();
    }

    @Test
    void secretsReachTheScriptAndTheConsoleShowsThemMasked() throws Exception {
        Path workspace = Files.createTempDirectory(stack.dir, "ws");
        PipelineHarness pipeline = harness(workspace);
        // The script prints both values on purpose: the library's filter must mask them.
        pipeline.run(jenkinsfile(
                "",
                "secrets: ['DB_PASSWORD=/jenkins/app/db-password', 'DEPLOY_KEY=/jenkins/app/deploy-key'],"
                        + " script: 'echo \"password: $DB_PASSWORD\"; cat \"$DEPLOY_KEY_FILE\";"
                        + " printf %s \"$DB_PASSWORD\" | sha256sum | cut -c1-64 > password.sha256;"
                        + " sha256sum < \"$DEPLOY_KEY_FILE\" | cut -c1-64 > key.sha256; ssh web-01 whoami'"));

        assertThat(Files.readString(workspace.resolve("password.sha256")).trim())
                .as(pipeline.log())
                .isEqualTo(sha256(password));
        assertThat(Files.readString(workspace.resolve("key.sha256")).trim()).isEqualTo(sha256(key));
        assertThat(pipeline.log()).contains("password: ***").contains(USER);
        for (String value : List.of(password, keyLineOne, keyLineTwo)) {
            assertThat(pipeline.log()).as("console").doesNotContain(value);
            assertThat(stack.service.log()).as("service log").doesNotContain(value);
        }
        assertNoSecret(pipeline.log());
        assertThat(leftovers(workspace)).isEmpty();
    }

    @Test
    void secretsWithABlockAreRefusedSinceItsStepsAreNotMasked() throws Exception {
        PipelineHarness pipeline = harness(Files.createTempDirectory(stack.dir, "ws"));
        assertThatThrownBy(() -> pipeline.run(jenkinsfile(
                        "{ sh 'true' }",
                        "cliJar: '" + CLI + "', secrets: ['DB_PASSWORD=/jenkins/app/db-password']",
                        null)))
                .hasMessage("withWorkloadSsh: secrets: needs script: (the steps of a block run outside keyless'"
                        + " masking filter)");
        assertThatThrownBy(() -> pipeline.run(jenkinsfile("", "secrets: 'DB_PASSWORD=db-password', script: 'true'")))
                .hasMessage("withWorkloadSsh: secrets entries are ENV_NAME=/folder/name; 'DB_PASSWORD=...' is not");
    }

    @Test
    void aFetchedCliIsUsedOnlyWhenItsChecksumMatches() throws Exception {
        String sha256 =
                HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(CLI)));
        String fetch = "cliUrl: '" + CLI.toUri() + "', cliSha256: '%s'";

        Path refusedWorkspace = Files.createTempDirectory(stack.dir, "ws");
        PipelineHarness refused = harness(refusedWorkspace);
        assertThatThrownBy(() -> refused.run(jenkinsfile(null, fetch.formatted("0".repeat(64)), "script: 'true'")))
                .hasMessage("script returned exit code 2");
        assertThat(refused.log()).contains("keyless: the CLI from " + CLI.toUri() + " does not match cliSha256");
        assertThat(leftovers(refusedWorkspace)).isEmpty();

        Path workspace = Files.createTempDirectory(stack.dir, "ws");
        PipelineHarness pipeline = harness(workspace);
        pipeline.run(jenkinsfile(null, fetch.formatted(sha256), "script: 'ssh web-01 whoami > whoami.txt'"));
        assertThat(Files.readString(workspace.resolve("whoami.txt")).trim())
                .as(pipeline.log())
                .isEqualTo(USER);
        assertNoSecret(pipeline.log());
        assertThat(HostAgentScenario.within(2_000, () -> !LinuxUsers.exists(USER)))
                .isTrue();
    }

    @Test
    void missingParametersFailWithOneLineNamingThem() throws Exception {
        PipelineHarness pipeline = harness(Files.createTempDirectory(stack.dir, "ws"));
        assertThatThrownBy(() -> pipeline.run("withWorkloadSsh(serviceUrl: 'https://x', role: 'r') { }"))
                .hasMessage("withWorkloadSsh: parameter 'connection' is required");
    }

    private PipelineHarness harness(Path workspace) {
        oidcToken = stack.team.jenkinsToken(JOB_URL);
        return new PipelineHarness(VARS, workspace, Map.of("keyless-oidc", oidcToken));
    }

    private String jenkinsfile(String block) {
        return jenkinsfile(block, null);
    }

    private String jenkinsfile(String block, String script) {
        return jenkinsfile(block, "cliJar: '" + CLI + "'", script);
    }

    private String jenkinsfile(String block, String cli, String script) {
        return "withWorkloadSsh(serviceUrl: '" + stack.service.uri() + "', team: 'acme', connection: 'jenkins',"
                + " role: '" + ROLE + "', servers: ['web-01'], credentialsId: 'keyless-oidc',"
                + " audience: 'https://keyless.example.com', " + cli
                + (script == null ? ") " + block : ", " + script + ")");
    }

    /** Neither the OIDC token nor any access token the service issued (from its log) is in the console. */
    private void assertNoSecret(String log) throws Exception {
        assertThat(log).doesNotContain(oidcToken);
        for (String part : List.of(oidcToken.split("\\."))) {
            assertThat(log).doesNotContain(part);
        }
        Matcher m = ACCESS_TOKEN.matcher(stack.service.log());
        while (m.find()) {
            assertThat(log).doesNotContain(m.group(1));
        }
        assertThat(log).doesNotContainPattern("kla_|eyJ[A-Za-z0-9_-]{10,}");
    }

    private static String sha256(String value) throws Exception {
        return HexFormat.of()
                .formatHex(MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8)));
    }

    private static List<Path> leftovers(Path workspace) throws Exception {
        try (var files = Files.list(Path.of(workspace + "@tmp"))) {
            return files.filter(f -> f.getFileName().toString().startsWith("keyless."))
                    .toList();
        }
    }
}

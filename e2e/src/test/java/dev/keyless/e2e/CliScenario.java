package dev.keyless.e2e;

import static dev.keyless.e2e.HostAgentScenario.within;
import static dev.keyless.testkit.service.TeamSetup.AUDIENCE;
import static dev.keyless.testkit.service.TeamSetup.T;
import static org.assertj.core.api.Assertions.assertThat;

import dev.keyless.testkit.CommandResult;
import dev.keyless.testkit.LinuxUsers;
import dev.keyless.testkit.SshKeygen;
import dev.keyless.testkit.service.TeamSetup;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The built {@code keyless} jar, run as a separate process the way each platform runs it, against
 * the real service, host agent and sshd: every token source, the exit code, retries against a
 * flaky service, cancellation, and the time from start to the first remote command.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CliScenario {
    static final String ROLE = "clideploy";
    static final String USER = "wl_" + ROLE;
    static final String GITLAB_USER = "wl_cligitlab";
    static final String JENKINS_USER = "wl_clijenkins";
    static final String CHECK = "ssh web-01 whoami; ssh web-01 sudo -n /usr/bin/true";
    static final Duration TIMEOUT = Duration.ofSeconds(90);

    Stack stack;
    TeamSetup team;
    Path tempRoot;
    final List<AutoCloseable> closeAfter = new ArrayList<>();
    final List<Process> processes = new ArrayList<>();

    @BeforeAll
    void start() throws Exception {
        stack = Stack.start(ROLE);
        team = stack.team;
        team.activeConnection(team.gitlabConnectionSpec("gitlab"));
        stack.grant("cligitlab", "gitlab", Map.of("project_path", "platform/deploy-svc"));
        team.activeConnection(team.jenkinsConnectionSpec("jenkins"));
        stack.grant(
                "clijenkins",
                "jenkins",
                Map.of("sub", "https://jenkins.example.com/job/platform/job/deploy-svc/job/main/"));
    }

    @BeforeEach
    void tempRoot() throws Exception {
        // short, like a hosted runner's RUNNER_TEMP, so the agent socket fits in sun_path
        tempRoot = Files.createTempDirectory(Path.of("/tmp"), "krt");
    }

    @AfterEach
    void cleanUp() throws Exception {
        for (Process p : processes) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        processes.clear();
        for (AutoCloseable c : closeAfter) {
            c.close();
        }
        closeAfter.clear();
        Stack.deleteTree(tempRoot);
    }

    @AfterAll
    void stop() {
        if (stack != null) {
            stack.close();
        }
    }

    /** What every job has: the service, team, connection and audience, a runner temp dir. */
    Map<String, String> jobEnv(String connection) {
        Map<String, String> env = CliProcess.baseEnv();
        env.put("KEYLESS_SERVICE_URL", stack.service.uri().toString());
        env.put("KEYLESS_TEAM", TeamSetup.TEAM);
        env.put("KEYLESS_CONNECTION", connection);
        env.put("KEYLESS_AUDIENCE", AUDIENCE);
        env.put("KEYLESS_TEMP_DIR", tempRoot.toString());
        return env;
    }

    static List<String> exec(String... rest) {
        List<String> args = new ArrayList<>(List.of("exec", "--server", "web-01"));
        args.addAll(List.of(rest));
        return args;
    }

    void assertRanAs(CommandResult r, String user, Collection<String> secrets) throws Exception {
        assertRanAs(r, user, secrets, tempRoot);
    }

    /**
     * The job ran as {@code user}, exit 0, showed no token, and left nothing behind: the account
     * gone within 2 s and its private directory removed from {@code tempRoot}.
     */
    static void assertRanAs(CommandResult r, String user, Collection<String> secrets, Path tempRoot) throws Exception {
        assertThat(r.exitCode()).as(r.stderr()).isZero();
        assertThat(r.stdout().strip()).as(r.stderr()).isEqualTo(user);
        assertNoSecret(r, secrets);
        assertThat(within(2_000, () -> !LinuxUsers.exists(user)))
                .as("account removed after the job")
                .isTrue();
        try (Stream<Path> left = Files.list(tempRoot)) {
            assertThat(left).as("private directory removed").isEmpty();
        }
    }

    static void assertNoSecret(CommandResult r, Collection<String> secrets) {
        assertThat(secrets).isNotEmpty();
        for (String secret : secrets) {
            assertThat(r.stdout()).doesNotContain(secret);
            assertThat(r.stderr()).doesNotContain(secret);
            // a token cut in half in a log is still a leak of its signature
            String signature = secret.substring(secret.lastIndexOf('.') + 1);
            assertThat(r.stdout() + r.stderr()).doesNotContain(signature);
        }
    }

    GitHubTokenEndpoint githubEndpoint() throws Exception {
        GitHubTokenEndpoint endpoint = new GitHubTokenEndpoint(aud -> team.githubToken(Map.of("aud", aud)));
        closeAfter.add(endpoint);
        return endpoint;
    }

    Map<String, String> githubEnv(GitHubTokenEndpoint endpoint) {
        Map<String, String> env = jobEnv("github");
        env.put("CI", "true");
        env.put("GITHUB_ACTIONS", "true");
        env.put("RUNNER_TEMP", tempRoot.toString());
        env.put("ACTIONS_ID_TOKEN_REQUEST_URL", endpoint.requestUrl());
        env.put("ACTIONS_ID_TOKEN_REQUEST_TOKEN", endpoint.requestToken);
        return env;
    }

    static List<String> secrets(GitHubTokenEndpoint endpoint) {
        List<String> secrets = new ArrayList<>(endpoint.issued);
        secrets.add(endpoint.requestToken);
        return secrets;
    }

    @Test
    void gitHubActionsTokenRequestedForTheAudience() throws Exception {
        GitHubTokenEndpoint endpoint = githubEndpoint();
        CommandResult r = CliProcess.run(exec("--", "bash", "-c", CHECK), githubEnv(endpoint), TIMEOUT);
        assertThat(endpoint.audiences).as(r.stderr()).containsOnly(AUDIENCE);
        assertRanAs(r, USER, secrets(endpoint));
    }

    @Test
    void gitLabIdTokensVariable() throws Exception {
        String token = team.gitlabToken(AUDIENCE, Map.of());
        Map<String, String> env = jobEnv("gitlab");
        env.put("CI", "true");
        env.put("GITLAB_CI", "true");
        env.put("KEYLESS_ID_TOKEN", token);
        // detected from GITLAB_CI, no --token-source
        CommandResult r = CliProcess.run(exec("--", "bash", "-c", CHECK), env, TIMEOUT);
        assertRanAs(r, GITLAB_USER, List.of(token));
    }

    @Test
    void jenkinsCredentialBoundToAVariable() throws Exception {
        String token = team.jenkinsToken(Map.of());
        assertThat(token).doesNotContain("jti");
        Map<String, String> env = jobEnv("jenkins");
        env.put("JENKINS_URL", "https://jenkins.example.com/");
        env.put("BUILD_NUMBER", "412");
        env.put("KEYLESS_ID_TOKEN", token);
        CommandResult r = CliProcess.run(exec("--", "bash", "-c", CHECK), env, TIMEOUT);
        assertRanAs(r, JENKINS_USER, List.of(token));
    }

    @Test
    void jenkinsCredentialBoundToAFile() throws Exception {
        String token = team.jenkinsToken(Map.of());
        Path file = Files.writeString(
                Files.createTempFile(
                        stack.dir,
                        "oidc",
                        ".jwt",
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))),
                token);
        Map<String, String> env = jobEnv("jenkins");
        env.put("JENKINS_URL", "https://jenkins.example.com/");
        env.put("KEYLESS_ID_TOKEN_FILE", file.toString());
        CommandResult r = CliProcess.run(exec("--token-source", "jenkins", "--", "bash", "-c", CHECK), env, TIMEOUT);
        assertRanAs(r, JENKINS_USER, List.of(token));
    }

    @Test
    void genericJwtFile() throws Exception {
        String token = team.githubToken();
        Path file = Files.writeString(Files.createTempFile(stack.dir, "jwt", ".txt"), token + "\n");
        CommandResult r = CliProcess.run(
                exec("--jwt-file", file.toString(), "--", "bash", "-c", CHECK), jobEnv("github"), TIMEOUT);
        assertRanAs(r, USER, List.of(token));
    }

    @Test
    void theCommandsExitCodeIsTheCliExitCode() throws Exception {
        GitHubTokenEndpoint endpoint = githubEndpoint();
        CommandResult refused =
                CliProcess.run(exec("--", "ssh", "web-01", "sudo", "-n", "/usr/bin/id"), githubEnv(endpoint), TIMEOUT);
        assertThat(refused.exitCode()).as(refused.stderr()).isEqualTo(1);
        CommandResult exit42 =
                CliProcess.run(exec("--", "bash", "-c", "ssh web-01 'exit 42'"), githubEnv(endpoint), TIMEOUT);
        assertThat(exit42.exitCode()).as(exit42.stderr()).isEqualTo(42);
        assertNoSecret(refused, secrets(endpoint));
        assertNoSecret(exit42, secrets(endpoint));
        assertThat(within(2_000, () -> !LinuxUsers.exists(USER))).isTrue();
    }

    @Test
    void authenticatePrintsOnlyAnAccessToken() throws Exception {
        String platform = team.githubToken();
        Map<String, String> env = CliProcess.baseEnv();
        env.put("KEYLESS_SERVICE_URL", stack.service.uri().toString());
        env.put("MY_JWT", platform);
        CommandResult r = CliProcess.run(
                List.of(
                        "authenticate",
                        "--team",
                        TeamSetup.TEAM,
                        "--connection",
                        "github",
                        "--role-hint",
                        ROLE,
                        "--audience",
                        AUDIENCE,
                        "--jwt-env",
                        "MY_JWT"),
                env,
                TIMEOUT);
        assertThat(r.exitCode()).as(r.stderr()).isZero();
        assertThat(r.stderr()).isEmpty();
        assertThat(r.stdout()).endsWith("\n");
        String accessToken = r.stdout().strip();
        assertThat(accessToken).doesNotContainAnyWhitespaces().isNotEqualTo(platform);
        assertNoSecret(r, List.of(platform));
        // it is an access token: the service issues a certificate for it
        Path key = SshKeygen.generate(Files.createTempDirectory(stack.dir, "at"), "id", "ed25519", 0, "at");
        var cert = stack.client.requestCertificate(
                accessToken, "web-01", Files.readString(Path.of(key + ".pub")).strip());
        assertThat(cert.principal()).isEqualTo(USER);
        stack.client.closeSession(accessToken, cert.sessionId());
        assertThat(within(5_000, () -> !LinuxUsers.exists(USER))).isTrue();
    }

    @Test
    void retriesAFlakyServiceHonouringRetryAfter() throws Exception {
        FlakyForwarder flaky = new FlakyForwarder(
                stack.service.uri(),
                T + "/workload/authenticate",
                List.of(new FlakyForwarder.Failure(503, null), new FlakyForwarder.Failure(429, "1")));
        closeAfter.add(flaky);
        GitHubTokenEndpoint endpoint = githubEndpoint();
        Map<String, String> env = githubEnv(endpoint);
        env.put("KEYLESS_SERVICE_URL", flaky.uri().toString());
        CommandResult r = CliProcess.run(exec("--", "bash", "-c", CHECK), env, TIMEOUT);
        assertRanAs(r, USER, secrets(endpoint));
        assertThat(flaky.seen).extracting(FlakyForwarder.Seen::status).containsExactly(503, 429, 200);
        long afterRetryAfterMs = (flaky.seen.get(2).at() - flaky.seen.get(1).at()) / 1_000_000;
        assertThat(afterRetryAfterMs).as("Retry-After: 1 honoured").isGreaterThanOrEqualTo(950);
        assertThat(endpoint.issued)
                .as("a fresh platform token for each attempt")
                .hasSize(3);
    }

    @Test
    void cancelledMidCommandLeavesNoSessionAndNoAccount() throws Exception {
        GitHubTokenEndpoint endpoint = githubEndpoint();
        Path log = stack.dir.resolve("cancel-" + System.nanoTime() + ".log");
        Process cli = CliProcess.start(exec("--debug", "--", "sleep", "60"), githubEnv(endpoint), log);
        processes.add(cli);
        assertThat(within(60_000, () -> sleepRunning(cli)))
                .as("command started: " + read(log))
                .isTrue();
        assertThat(LinuxUsers.exists(USER)).as("session READY, account exists").isTrue();
        String sessionId = sessionId(read(log));
        List<ProcessHandle> children = cli.descendants().toList();

        long cancelledAt = System.nanoTime();
        signal(cli, "INT");
        if (!cli.waitFor(7_500, TimeUnit.MILLISECONDS)) {
            signal(cli, "TERM");
        }
        assertThat(cli.waitFor(5, TimeUnit.SECONDS))
                .as("CLI exited: " + read(log))
                .isTrue();
        long exitedMs = (System.nanoTime() - cancelledAt) / 1_000_000;
        assertThat(exitedMs).as("exited on SIGINT alone").isLessThan(7_500);
        assertThat(children).noneMatch(ProcessHandle::isAlive);

        var audit = team.api.get(T + "/audit?type=session.close", team.security);
        assertThat(audit.status()).as(audit.body()).isEqualTo(200);
        assertThat(audit.body()).as("session.close recorded").contains(sessionId);
        assertThat(within(2_000, () -> !LinuxUsers.exists(USER)))
                .as("account removed within 2 s of the close")
                .isTrue();
        String output = read(log);
        for (String secret : secrets(endpoint)) {
            assertThat(output).doesNotContain(secret);
        }
        try (Stream<Path> left = Files.list(tempRoot)) {
            assertThat(left).as("private directory removed").isEmpty();
        }
    }

    @Test
    void startupToFirstRemoteCommand() throws Exception {
        GitHubTokenEndpoint endpoint = githubEndpoint();
        List<Long> millis = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            long startedAt = nowNanos();
            CommandResult r =
                    CliProcess.run(exec("--", "ssh", "web-01", "date", "+%s%N"), githubEnv(endpoint), TIMEOUT);
            assertThat(r.exitCode()).as(r.stderr()).isZero();
            long remoteAt = Long.parseLong(r.stdout().strip());
            millis.add((remoteAt - startedAt) / 1_000_000);
            assertThat(within(2_000, () -> !LinuxUsers.exists(USER))).isTrue();
        }
        List<Long> sorted = millis.stream().sorted().toList();
        long median = (sorted.get(4) + sorted.get(5)) / 2;
        System.out.printf(
                "keyless exec: start to first remote command, median of 10: %d ms (min %d, max %d; all %s)%n",
                median, sorted.get(0), sorted.get(9), millis);
        assertThat(median).isLessThan(10_000);
    }

    // --- helpers

    /** Wall-clock nanoseconds, comparable with the remote {@code date +%s%N} on this host. */
    static long nowNanos() {
        java.time.Instant now = java.time.Instant.now();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }

    private static boolean sleepRunning(Process cli) {
        return cli.descendants().anyMatch(p -> p.info().command().orElse("").endsWith("/sleep"));
    }

    private static String sessionId(String debugLog) {
        Matcher m = Pattern.compile("session (\\S+)").matcher(debugLog);
        assertThat(m.find()).as("session id in the debug output: " + debugLog).isTrue();
        return m.group(1);
    }

    private static void signal(Process process, String signal) throws Exception {
        new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid()))
                .inheritIO()
                .start()
                .waitFor();
    }

    private static String read(Path log) {
        try {
            return Files.exists(log) ? Files.readString(log) : "";
        } catch (java.io.IOException e) {
            return e.toString();
        }
    }
}

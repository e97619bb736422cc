package dev.keyless.e2e;

import static dev.keyless.e2e.HostAgentScenario.within;
import static dev.keyless.testkit.service.TeamSetup.T;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keyless.testkit.LinuxUsers;
import dev.keyless.testkit.service.TeamSetup;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The action's jar played as the runner plays it, against the real service, host agent and sshd:
 * the OIDC request endpoint served over HTTP, inputs as {@code INPUT_*}, file commands in temp
 * files. Checks the remote user, outputs, summary, that no token leaks anywhere but into the
 * {@code ::add-mask::} lines the runner consumes, and that nothing is left open after the step.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GitHubActionScenario {
    static final String ROLE = "ghdeploy";
    static final String USER = "wl_" + ROLE;
    static final Pattern JWT = Pattern.compile("eyJ[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+");

    final List<Path> tempDirs = new ArrayList<>();
    final String password = "pw-" + UUID.randomUUID();
    final String keyLineOne = "key-line-" + UUID.randomUUID();
    final String keyLineTwo = "key-line-" + UUID.randomUUID();
    final String key = "-----BEGIN TEST KEY-----\n" + keyLineOne + "\n" + keyLineTwo + "\n-----END TEST KEY-----\n";
    Stack stack;
    OidcRequestEndpoint oidc;

    @BeforeAll
    void start() throws Exception {
        assertThat(ActionRunner.JAR).as("build gh-action first (package)").exists();
        stack = Stack.start(ROLE);
        stack.secrets("/gh/app", Map.of("db-password", password, "deploy-key", key), List.of(ROLE), List.of("reveal"));
        oidc = new OidcRequestEndpoint(stack.team);
    }

    @AfterAll
    void stop() {
        if (oidc != null) {
            oidc.close();
        }
        if (stack != null) {
            stack.close();
        }
        for (Path dir : tempDirs) {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder())
                        .forEach(f -> f.toFile().delete());
            } catch (java.io.IOException e) {
                System.err.println("could not remove " + dir + ": " + e);
            }
        }
    }

    Map<String, String> inputs(String run) {
        Map<String, String> in = new LinkedHashMap<>();
        in.put("service-url", stack.service.uri().toString());
        in.put("team", TeamSetup.TEAM);
        in.put("connection", "github");
        in.put("servers", "web-01\n");
        in.put("audience", TeamSetup.AUDIENCE);
        in.put("run", run);
        in.put("debug", "true");
        // This machine's Java runs the jar, as in a job that set up its own (the setup-java step
        // is the runner's, not the action's, to run).
        in.put("setup-java", "false");
        return in;
    }

    @Test
    void runsTheCommandsAsTheRoleUserAndLeaksNoToken() throws Exception {
        ActionRunner runner = new ActionRunner(shortTempDir());
        int served = oidc.issued.size();
        ActionRunner.Step step =
                runner.run(inputs("ssh web-01 whoami > whoami.txt; ssh web-01 sudo -n /usr/bin/true"), oidc.env());
        String stdout = String.join("\n", step.stdout());
        assertThat(step.exit()).as(stdout + step.stderr() + stack.agent.log()).isZero();
        long endedAt = System.nanoTime();

        assertThat(Files.readString(runner.workspace.resolve("whoami.txt")).trim())
                .isEqualTo(USER);
        assertThat(oidc.audiences).last().isEqualTo(TeamSetup.AUDIENCE);

        Map<String, String> outputs = outputs(runner.outputFile);
        assertThat(outputs).containsOnlyKeys("principal", "session-ids").containsEntry("principal", USER);
        String sessionId = outputs.get("session-ids");
        assertThat(sessionId).matches("\\S+");
        String summary = Files.readString(runner.summaryFile);
        assertThat(summary)
                .contains("| Role | Principal | Server | Session | Certificate expires | Exchange latency |")
                .containsPattern("\\| " + ROLE + " \\| " + USER + " \\| web-01 \\| " + Pattern.quote(sessionId)
                        + " \\| \\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ \\| \\d+ ms \\|");
        assertThat(step.stdout()).contains("::endgroup::").anyMatch(l -> l.startsWith("::group::Keyless"));
        assertThat(step.stdout()).anyMatch(l -> l.startsWith("::debug::"));

        // The session ends inside the step: closed at the service, account gone within 2 s.
        boolean gone = within(2_000, () -> !LinuxUsers.exists(USER));
        assertThat(gone)
                .as("account removed within 2 s after the step; stdout: " + step.stdout() + " agent: "
                        + stack.agent.log())
                .isTrue();
        assertThat((System.nanoTime() - endedAt) / 1_000_000).isLessThan(2_000);
        assertThat(auditTypes(sessionId)).contains("session.close");
        try (Stream<Path> left = Files.list(runner.runnerTemp)) {
            assertThat(left).as("job directory removed from RUNNER_TEMP").isEmpty();
        }

        List<String> secrets = secrets(step, served);
        assertNoSecretOutsideMaskLines(step, runner, secrets);
    }

    @Test
    void theSecretsInputReachesTheRunCommandsMaskedBeforeTheyPrintAnything() throws Exception {
        ActionRunner runner = new ActionRunner(shortTempDir());
        Map<String, String> in = inputs("echo \"password: $DB_PASSWORD\"; cat \"$DEPLOY_KEY_FILE\";"
                + " printf %s \"$DB_PASSWORD\" | sha256sum | cut -c1-64 > password.sha256;"
                + " sha256sum < \"$DEPLOY_KEY_FILE\" | cut -c1-64 > key.sha256; ssh web-01 whoami > whoami.txt");
        in.put("secrets", "DB_PASSWORD=/gh/app/db-password\nDEPLOY_KEY=/gh/app/deploy-key\n");
        ActionRunner.Step step = runner.run(in, oidc.env());
        List<String> stdout = step.stdout();
        assertThat(step.exit()).as(String.join("\n", stdout) + step.stderr()).isZero();

        // Delivered: the run commands used both values and reached web-01 as the role.
        assertThat(Files.readString(runner.workspace.resolve("password.sha256")).trim())
                .isEqualTo(sha256(password));
        assertThat(Files.readString(runner.workspace.resolve("key.sha256")).trim())
                .isEqualTo(sha256(key));
        assertThat(Files.readString(runner.workspace.resolve("whoami.txt")).trim())
                .isEqualTo(USER);

        // Masked: the runner hides a value from the first ::add-mask:: of it on; every value and
        // each line of the key is announced before the run commands print anything.
        int firstPrinted = stdout.indexOf("password: " + password);
        assertThat(firstPrinted).as("the run command's own line").isPositive();
        for (String value : List.of(password, keyLineOne, keyLineTwo)) {
            assertThat(stdout.indexOf("::add-mask::" + value))
                    .as("mask of a secret line, before the run commands' output")
                    .isNotNegative()
                    .isLessThan(firstPrinted);
        }
        // The value is nowhere else: not in any other stdout line, stderr, outputs, summary, files
        // left in the workspace or RUNNER_TEMP, nor the service log.
        List<String> values = List.of(password, keyLineOne, keyLineTwo);
        List<String> otherLines = new ArrayList<>(
                stdout.stream().filter(l -> !l.startsWith("::add-mask::")).toList());
        otherLines.remove("password: " + password);
        otherLines.remove(keyLineOne);
        otherLines.remove(keyLineTwo);
        Map<String, String> traces = new LinkedHashMap<>();
        traces.put("stdout", String.join("\n", otherLines));
        traces.put("stderr", step.stderr());
        traces.put("GITHUB_OUTPUT", Files.readString(runner.outputFile));
        traces.put("GITHUB_STEP_SUMMARY", Files.readString(runner.summaryFile));
        traces.put("service log", stack.service.log());
        for (Path root : List.of(runner.workspace, runner.runnerTemp)) {
            try (Stream<Path> files = Files.walk(root)) {
                for (Path f : files.filter(Files::isRegularFile).toList()) {
                    traces.put(f.toString(), new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1));
                }
            }
        }
        traces.forEach((where, text) -> values.forEach(
                value -> assertThat(text).as("a secret in " + where).doesNotContain(value)));
        assertThat(within(2_000, () -> !LinuxUsers.exists(USER))).isTrue();
    }

    private static String sha256(String value) throws Exception {
        return java.util.HexFormat.of()
                .formatHex(java.security.MessageDigest.getInstance("SHA-256")
                        .digest(value.getBytes(StandardCharsets.UTF_8)));
    }

    /** The request token, the OIDC tokens served for this step, and the access token it masked. */
    private List<String> secrets(ActionRunner.Step step, int served) {
        List<String> tokens = new ArrayList<>(oidc.issued.subList(served, oidc.issued.size()));
        assertThat(tokens).as("one OIDC token fetched").hasSize(1);
        List<String> masked = step.stdout().stream()
                .filter(l -> l.startsWith("::add-mask::"))
                .map(l -> l.substring("::add-mask::".length()))
                .toList();
        assertThat(masked).contains(oidc.requestToken).containsAll(tokens);
        List<String> accessTokens = masked.stream()
                .filter(m -> JWT.matcher(m).matches() && !tokens.contains(m))
                .toList();
        assertThat(accessTokens).as("the access token is masked").hasSize(1);
        assertThat(step.stdout().indexOf("::add-mask::" + accessTokens.get(0)))
                .as("masked before the first line that is not a mask or group command")
                .isLessThanOrEqualTo(firstOrdinaryLine(step.stdout()));
        List<String> all = new ArrayList<>(tokens);
        all.add(oidc.requestToken);
        all.addAll(accessTokens);
        return all;
    }

    private static int firstOrdinaryLine(List<String> lines) {
        for (int i = 0; i < lines.size(); i++) {
            String l = lines.get(i);
            if (!l.startsWith("::add-mask::") && !l.startsWith("::group::") && !l.startsWith("::debug::")) {
                return i;
            }
        }
        return lines.size();
    }

    private static void assertNoSecretOutsideMaskLines(
            ActionRunner.Step step, ActionRunner runner, List<String> secrets) throws Exception {
        Map<String, String> traces = new LinkedHashMap<>();
        traces.put(
                "stdout (without ::add-mask:: lines)",
                String.join(
                        "\n",
                        step.stdout().stream()
                                .filter(l -> !l.startsWith("::add-mask::"))
                                .toList()));
        traces.put("stderr", step.stderr());
        traces.put("GITHUB_OUTPUT", Files.readString(runner.outputFile));
        traces.put("GITHUB_STEP_SUMMARY", Files.readString(runner.summaryFile));
        for (Path root : List.of(runner.workspace, runner.runnerTemp)) {
            try (Stream<Path> files = Files.walk(root)) {
                for (Path f : files.filter(Files::isRegularFile).toList()) {
                    traces.put(f.toString(), new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1));
                }
            }
        }
        traces.forEach((where, text) -> {
            for (String secret : secrets) {
                assertThat(text).as("a token in " + where).doesNotContain(secret);
            }
            assertThat(JWT.matcher(text).find()).as("a JWT in " + where).isFalse();
        });
    }

    @Test
    void theDefaultAudienceIsRefusedWithOneAnnotationNamingTheCheck() throws Exception {
        ActionRunner runner = new ActionRunner(shortTempDir());
        Map<String, String> in = inputs("echo never");
        in.remove("audience");
        ActionRunner.Step step = runner.run(in, oidc.env());
        assertThat(step.exit()).isEqualTo(3);
        assertThat(oidc.audiences).last().isEqualTo(stack.service.uri().toString());
        assertThat(step.stdout().stream().filter(l -> l.startsWith("::error")))
                .singleElement()
                .asString()
                .startsWith("::error title=Keyless%3A token-audience-mismatch::")
                .contains("set the 'audience' input");
        assertThat(Files.readString(runner.outputFile)).isEmpty();
    }

    @Test
    void aCancelledStepClosesItsSessionOnSigint() throws Exception {
        ActionRunner runner = new ActionRunner(shortTempDir());
        Process step = runner.start(inputs("ssh web-01 sleep 60"), oidc.env());
        // This step's remote command, not any process of the (shared) account: the check must not
        // pass while the step is still opening its session.
        assertThat(within(30_000, () -> remoteSleepOf(USER)))
                .as("remote command running")
                .isTrue();
        // A cancelled GitHub job: SIGINT to the step's process (action.yml execs java), SIGTERM 7.5 s later.
        new ProcessBuilder("kill", "-INT", Long.toString(step.pid())).start().waitFor();
        assertThat(step.waitFor(7_500, TimeUnit.MILLISECONDS))
                .as("the step ends before the runner's SIGTERM")
                .isTrue();
        boolean gone = within(2_000, () -> !LinuxUsers.exists(USER));
        assertThat(gone)
                .as("account removed within 2 s after the step; step stdout: "
                        + Files.readString(runner.logs.resolve("stdout")) + " stderr: "
                        + Files.readString(runner.logs.resolve("stderr")))
                .isTrue();
        String sessionId = outputs(runner.outputFile).get("session-ids");
        assertThat(auditTypes(sessionId)).contains("session.close");
        try (Stream<Path> left = Files.list(runner.runnerTemp)) {
            assertThat(left).as("job directory removed from RUNNER_TEMP").isEmpty();
        }
    }

    private static boolean remoteSleepOf(String user) {
        return dev.keyless.testkit.Commands.run(List.of("pgrep", "-u", user, "-f", "^sleep 60$"))
                        .exitCode()
                == 0;
    }

    @Test
    void measuresStartToFirstRemoteCommand() throws Exception {
        List<Long> millis = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            ActionRunner runner = new ActionRunner(shortTempDir());
            Map<String, String> in = inputs("ssh web-01 date +%s%N > remote-time.txt");
            in.put("debug", "false");
            ActionRunner.Step step = runner.run(in, oidc.env());
            assertThat(step.exit()).as(String.join("\n", step.stdout())).isZero();
            long remoteNanos = Long.parseLong(Files.readString(runner.workspace.resolve("remote-time.txt"))
                    .trim());
            Instant started = step.started();
            long startNanos = started.getEpochSecond() * 1_000_000_000L + started.getNano();
            millis.add((remoteNanos - startNanos) / 1_000_000);
            assertThat(within(2_000, () -> !LinuxUsers.exists(USER))).isTrue();
        }
        List<Long> sorted = millis.stream().sorted().toList();
        System.out.println("gh-action: process start to first remote command, 5 runs " + millis + " ms, median "
                + sorted.get(2) + " ms");
    }

    /**
     * A temp dir short enough for the agent socket under RUNNER_TEMP, as on hosted runners
     * ({@code /home/runner/work/_temp}); the action falls back to /tmp for deeper ones.
     */
    private Path shortTempDir() throws Exception {
        Path dir = Files.createTempDirectory(Path.of("/tmp"), "gh");
        tempDirs.add(dir);
        return dir;
    }

    private static Map<String, String> outputs(Path file) throws Exception {
        Map<String, String> out = new HashMap<>();
        for (String line : Files.readAllLines(file)) {
            int eq = line.indexOf('=');
            assertThat(eq).as("single-line output " + line).isPositive();
            out.put(line.substring(0, eq), line.substring(eq + 1));
        }
        return out;
    }

    private List<String> auditTypes(String sessionId) {
        JsonNode events = stack.team
                .api
                .get(T + "/audit?session=" + sessionId, stack.team.security)
                .json()
                .get("events");
        List<String> types = new ArrayList<>();
        events.forEach(e -> types.add(e.get("type").asText()));
        return types;
    }
}

package dev.keyless.e2e;

import static dev.keyless.testkit.service.TeamSetup.T;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keyless.testkit.CommandResult;
import dev.keyless.testkit.Commands;
import dev.keyless.testkit.SshKeygen;
import dev.keyless.testkit.service.TeamSetup;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The agent's PAM hook under a real {@code pam_exec} of a real sshd ({@code UsePAM yes}, a PAM
 * service private to the test): a certificate login and its logout reach the audit trail linked to
 * the session, other users report nothing, a failing hook does not block the login, and what the
 * hook adds to a login is measured.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PamHookScenario {
    static final String ROLE = "e2epam";
    static final String USER = "wl_" + ROLE;
    static final String LOGIN = "server.ssh.login";
    static final String LOGOUT = "server.ssh.logout";
    /** The test's own JVM, by absolute path: pam_exec runs the hook with no PATH. */
    static final String JAVA = ProcessHandle.current().info().command().orElse("/usr/bin/java");

    /** As in the README's line: a short-lived JVM starts faster without C2, G1 and perf data. */
    static final String JVM_OPTIONS = "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC -XX:-UsePerfData";

    static final String JAR = AgentProcess.JAR.toAbsolutePath().normalize().toString();

    Stack stack;
    TeamSetup team;
    Path rootKeyDir;
    Path rootKey;
    /** pam_exec's {@code log=}: a {@code ***} line per run, then the hook's stdout and stderr. */
    Path hookLog;

    @BeforeAll
    void start() throws Exception {
        rootKeyDir = Files.createTempDirectory("keyless-pam-root");
        rootKey = SshKeygen.generate(rootKeyDir, "id", "ed25519", 0, "pam-root");
        String rootPublicKey = Files.readString(Path.of(rootKey + ".pub")).trim();
        stack = Stack.withSshd(ROLE, sshd -> sshd.pam("keyless-e2e").authorizedKey("root", rootPublicKey));
        team = stack.team;
        hookLog = stack.dir.resolve("pam-hook.log");
    }

    @AfterAll
    void stop() {
        if (stack != null) {
            stack.close();
        }
        Stack.deleteTree(rootKeyDir);
    }

    @Test
    void aCertificateLoginAndItsLogoutAreAuditedWithTheSession() throws Exception {
        stack.sshd.pamSession(List.of(hook(stack.agent.stateDir)));
        Workload job = stack.job();
        assertThat(job.awaitReady()).as(stack.agent.log()).isEqualTo("READY");
        String sessionId = job.certificate.sessionId();

        CommandResult whoami = job.ssh("whoami");
        assertThat(whoami.exitCode()).as(whoami.stderr() + stack.sshd.log()).isZero();
        assertThat(whoami.stdout().trim()).isEqualTo(USER);

        // sshd runs the session stack, and pam_exec waits for the hook, before the command starts.
        List<JsonNode> logins = events(LOGIN, sessionId);
        assertThat(logins).as(diagnosis()).hasSize(1);
        // close_session runs after the client has gone, so the logout may come a moment later.
        List<JsonNode> logouts = await(() -> events(LOGOUT, sessionId), 1);
        assertThat(logouts).as(diagnosis()).hasSize(1);

        String certificateText = Commands.runChecked(List.of("ssh-keygen", "-L", "-f", job.key + "-cert.pub"))
                .stdout();
        String serial = field(certificateText, "Serial: (\\d+)");
        String keyId = field(certificateText, "Key ID: \"([^\"]+)\"");
        assertThat(serial)
                .isEqualTo(stack.client
                        .session(job.access.accessToken(), sessionId)
                        .serial());
        assertThat(keyId).startsWith("keyless:" + TeamSetup.TEAM + ":" + ROLE + ":" + sessionId);
        for (JsonNode event : List.of(logins.get(0), logouts.get(0))) {
            assertThat(event.get("session_id").asText()).isEqualTo(sessionId);
            assertThat(event.get("serial").asText()).isEqualTo(serial);
            assertThat(event.get("role").asText()).isEqualTo(ROLE);
            assertThat(event.get("server").asText()).isEqualTo("web-01");
            assertThat(event.get("actor_type").asText()).isEqualTo("agent");
            assertThat(event.get("outcome").asText()).isEqualTo("success");
            JsonNode details = event.get("details");
            assertThat(details.get("user").asText()).isEqualTo(USER);
            assertThat(details.get("key_id").asText()).isEqualTo(keyId);
            assertThat(details.get("source_address").asText()).isEqualTo("127.0.0.1");
        }
        job.close();
    }

    @Test
    void aLoginOfAnAccountOtherThanWlReportsNothing() throws Exception {
        stack.sshd.pamSession(List.of(hook(stack.agent.stateDir)));
        awaitNoHookRunning();
        int runsBefore = hookRuns();
        int logBefore = hookLogText().length();
        int auditedBefore = events(LOGIN, null).size() + events(LOGOUT, null).size();

        CommandResult id = stack.sshd.ssh("root", rootKey, null, "id", "-un");
        assertThat(id.exitCode()).as(id.stderr() + stack.sshd.log()).isZero();
        assertThat(id.stdout().trim()).isEqualTo("root");

        // The hook did run, for open_session and close_session, and then exited without a report.
        assertThat(HostAgentScenario.within(15_000, () -> hookRuns() >= runsBefore + 2 && !hookRunning()))
                .as(diagnosis())
                .isTrue();
        Workload.sleep(300); // pam_exec writes its *** line just before it starts the JVM
        awaitNoHookRunning();
        assertThat(events(LOGIN, null).size() + events(LOGOUT, null).size()).isEqualTo(auditedBefore);
        assertThat(hookLogText().substring(logBefore)).doesNotContain("could not report");
    }

    @Test
    void aFailingHookDoesNotBlockTheLogin() throws Exception {
        Workload job = stack.job();
        assertThat(job.awaitReady()).isEqualTo("READY");
        Path refused = stateCopy("state-refused", "http://127.0.0.1:" + Ports.free());
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            // Connections complete in the backlog and nothing ever answers: a hung service.
            Path hanging = stateCopy("state-hanging", "http://127.0.0.1:" + silent.getLocalPort());
            for (Path stateDir : List.of(stack.dir.resolve("no-such-state"), refused, hanging)) {
                stack.sshd.pamSession(List.of(hook(stateDir)));
                String logBefore = hookLogText();
                long started = System.nanoTime();
                CommandResult whoami = job.ssh("whoami");
                long millis = (System.nanoTime() - started) / 1_000_000;
                assertThat(whoami.exitCode())
                        .as(whoami.stderr() + stack.sshd.log())
                        .isZero();
                assertThat(whoami.stdout().trim()).isEqualTo(USER);
                assertThat(hookLogText().substring(logBefore.length()))
                        .as("the hook ran and failed for " + stateDir.getFileName())
                        .contains("could not report the login");
                if (stateDir == hanging) {
                    System.out.printf(
                            "TIMING pam-hook login with a service that never answers: %d ms (hook timeout 3 s)%n",
                            millis);
                    assertThat(millis).as("bounded by the hook's 3 s timeout").isBetween(2_500L, 10_000L);
                }
            }
            awaitNoHookRunning();
        } finally {
            stack.sshd.pamSession(List.of(hook(stack.agent.stateDir)));
            job.close();
        }
        assertThat(events(LOGIN, job.certificate.sessionId())).isEmpty();
    }

    @Test
    void theHookAddsAJvmStartToALogin() throws Exception {
        Workload job = stack.job();
        assertThat(job.awaitReady()).isEqualTo("READY");
        String sessionId = job.certificate.sessionId();

        stack.sshd.pamSession(List.of());
        assertThat(job.ssh("true").exitCode()).isZero(); // warm-up: page cache, sshd, ssh
        long without = medianLoginMillis(job);
        assertThat(events(LOGIN, sessionId)).as("no hook, no report").isEmpty();

        stack.sshd.pamSession(List.of(hook(stack.agent.stateDir)));
        long with = medianLoginMillis(job);
        assertThat(events(LOGIN, sessionId)).as(diagnosis()).hasSize(5);
        assertThat(await(() -> events(LOGOUT, sessionId), 5)).hasSize(5);
        System.out.printf(
                "TIMING pam-hook login (ssh ... true, median of 5): without hook %d ms, with hook %d ms, added %d ms%n",
                without, with, with - without);
        job.close();
    }

    /** Median wall time of 5 logins running {@code true}, each started once no hook runs any more. */
    private long medianLoginMillis(Workload job) {
        List<Long> millis = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            // A logout's hook runs after the client has gone; let it finish so it does not share the CPU.
            awaitNoHookRunning();
            long started = System.nanoTime();
            CommandResult r = job.ssh("true");
            millis.add((System.nanoTime() - started) / 1_000_000);
            assertThat(r.exitCode()).as(r.stderr()).isZero();
        }
        awaitNoHookRunning();
        return millis.stream().sorted().toList().get(2);
    }

    /**
     * The line host-agent/README.md documents, with the test's JVM, jar and state dir, and pam_exec's
     * {@code log=} for diagnosis.
     */
    private String hook(Path stateDir) {
        return "session optional pam_exec.so quiet log=" + hookLog + " " + JAVA + " " + JVM_OPTIONS + " -jar " + JAR
                + " pam-hook --state-dir " + stateDir;
    }

    /** A copy of the enrolled agent's state dir (key and state) whose service URL is {@code serviceUrl}. */
    private Path stateCopy(String name, String serviceUrl) throws IOException {
        Path copy = Files.createDirectory(
                stack.dir.resolve(name),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        // The running agent rewrites its state through hidden temporary files (AtomicFiles) and
        // a rename; those come and go while we list, so only the settled files are copied.
        try (var files = Files.list(stack.agent.stateDir)) {
            for (Path file : files.filter(f -> !f.getFileName().toString().startsWith("."))
                    .filter(Files::isRegularFile)
                    .toList()) {
                Files.copy(file, copy.resolve(file.getFileName()), StandardCopyOption.COPY_ATTRIBUTES);
            }
        }
        Path state = copy.resolve("state.json");
        String text = Files.readString(state, StandardCharsets.UTF_8);
        String original = stack.service.uri().toString();
        assertThat(text).contains(original);
        Files.writeString(state, text.replace(original, serviceUrl), StandardCharsets.UTF_8);
        return copy;
    }

    private List<JsonNode> events(String type, String sessionId) {
        String query = "?type=" + type + "&limit=1000" + (sessionId == null ? "" : "&session=" + sessionId);
        JsonNode events =
                team.api.get(T + "/audit" + query, team.security).json().get("events");
        return StreamSupport.stream(events.spliterator(), false).toList();
    }

    private static List<JsonNode> await(Supplier<List<JsonNode>> events, int count) {
        long deadline = System.nanoTime() + 15_000_000_000L;
        List<JsonNode> found = events.get();
        while (found.size() < count && System.nanoTime() < deadline) {
            Workload.sleep(50);
            found = events.get();
        }
        return found;
    }

    private String hookLogText() {
        try {
            return Files.exists(hookLog) ? Files.readString(hookLog) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private int hookRuns() {
        return (int)
                hookLogText().lines().filter(line -> line.startsWith("*** ")).count();
    }

    private boolean hookRunning() {
        return Commands.run(List.of("pgrep", "-f", "pam-hook --state-dir " + stack.dir))
                        .exitCode()
                == 0;
    }

    private void awaitNoHookRunning() {
        assertThat(HostAgentScenario.within(15_000, () -> !hookRunning()))
                .as("pam-hook runs finish")
                .isTrue();
    }

    private String diagnosis() {
        return "\nhook log:\n" + hookLogText() + "\nsshd log:\n" + stack.sshd.log();
    }

    private static String field(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        assertThat(m.find()).as(regex + " in " + text).isTrue();
        return m.group(1);
    }
}

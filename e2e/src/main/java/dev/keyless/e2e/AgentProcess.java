package dev.keyless.e2e;

import dev.keyless.testkit.CommandResult;
import dev.keyless.testkit.Commands;
import dev.keyless.testkit.SshdHarness;
import dev.keyless.testkit.service.TeamSetup;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The real host agent jar, enrolled for one server and running against a test sshd: its drop-in
 * goes to a directory the sshd includes, and it reloads that sshd through its pid file.
 */
final class AgentProcess implements AutoCloseable {
    static final Path JAR = Path.of("../host-agent/target/keyless-agent.jar");

    final Path stateDir;
    final Path dropInDir;
    final Path trustDir;
    private final SshdHarness sshd;
    private final Path log;
    /**
     * A uid range of its own: stacks of other test runs on this host (their agents allocate from the
     * default 60000 up) share /etc/passwd, and an agent refuses a role uid another account holds.
     */
    private final String uidRange;

    private Process process;
    private Path jar = JAR;
    private List<String> jvmOptions = List.of();

    AgentProcess(Path dir, SshdHarness sshd) throws IOException {
        this.stateDir = dir.resolve("agent-state");
        this.dropInDir = Files.createDirectories(dir.resolve("sshd_config.d"));
        this.trustDir = dir.resolve("trust");
        this.sshd = sshd;
        this.log = dir.resolve("agent.log");
        int first =
                61_000 + 100 * java.util.concurrent.ThreadLocalRandom.current().nextInt(89);
        this.uidRange = first + "-" + (first + 99);
    }

    /**
     * Runs {@code jar} instead of the built one, with extra JVM options (benchmarks compare two builds
     * and record flight recordings); call before {@link #start()}.
     */
    void use(Path jar, List<String> jvmOptions) {
        this.jar = jar;
        this.jvmOptions = List.copyOf(jvmOptions);
    }

    /** The agent's pid (for /proc readings), once started. */
    long pid() {
        return process.pid();
    }

    /** Where the sshd must {@code Include} the agent's drop-in from. */
    static Path dropInGlob(Path dir) {
        return dir.resolve("sshd_config.d").resolve("*.conf");
    }

    /** Enrols with the token in a 0600 file, as the README tells operators to: never on argv. */
    void enroll(URI service, String server, String token) throws IOException {
        Path tokenFile = stateDir.resolveSibling("enrolment-token");
        Files.writeString(tokenFile, token + "\n");
        Files.setPosixFilePermissions(tokenFile, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        CommandResult r = Commands.run(
                List.of(
                        "java",
                        "-jar",
                        JAR.toAbsolutePath().toString(),
                        "enroll",
                        "--service",
                        service.toString(),
                        "--team",
                        TeamSetup.TEAM,
                        "--server",
                        server,
                        "--token-file",
                        tokenFile.toString(),
                        "--state-dir",
                        stateDir.toString(),
                        "--host-key",
                        sshd.hostPublicKey().toString()),
                Map.of(),
                Duration.ofSeconds(60));
        Files.delete(tokenFile);
        if (r.exitCode() != 0) {
            throw new IllegalStateException("enrolment failed: " + r.stderr() + r.stdout());
        }
    }

    void start() throws IOException {
        List<String> argv = new ArrayList<>(List.of("java", "-Xmx256m"));
        argv.addAll(jvmOptions);
        argv.addAll(List.of(
                "-jar",
                jar.toAbsolutePath().toString(),
                "run",
                "--state-dir",
                stateDir.toString(),
                "--sshd-config-dir",
                dropInDir.toString(),
                "--sshd-config",
                sshd.configFile().toString(),
                "--sshd-pid-file",
                sshd.pidFile().toString(),
                "--trust-dir",
                trustDir.toString(),
                "--reconcile-seconds",
                "2",
                "--uid-range",
                uidRange));
        process = new ProcessBuilder(argv)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
    }

    /** Kills the agent the hard way: no shutdown hook, as a crash or OOM kill would. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    String log() throws IOException {
        return Files.exists(log) ? Files.readString(log) : "";
    }

    @Override
    public void close() {
        try {
            if (process != null && process.isAlive()) {
                process.destroy();
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

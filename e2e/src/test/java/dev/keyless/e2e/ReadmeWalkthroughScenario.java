package dev.keyless.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keyless.testkit.CommandResult;
import dev.keyless.testkit.Commands;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The root README's five-minute walkthrough, extracted from README.md (not a copy) and run with
 * {@code bash -e} from the repository root as a user pastes it: first with no per-user data
 * directory at all, then after the service was started as set-up command 1 starts it (so the
 * default data directory exists and holds team {@code default}) and after a first walkthrough.
 */
class ReadmeWalkthroughScenario {
    static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    static final Duration TIMEOUT = Duration.ofMinutes(5);

    Path xdgDataHome;

    @BeforeEach
    void dataHome() throws IOException {
        xdgDataHome = Files.createTempDirectory("keyless-xdg");
    }

    @AfterEach
    void cleanUp() {
        Stack.deleteTree(xdgDataHome);
    }

    /** The first {@code ```sh} block after the walkthrough's heading. */
    static String walkthrough() throws IOException {
        String readme = Files.readString(ROOT.resolve("README.md"));
        int heading = readme.indexOf("## Five-minute walkthrough");
        assertThat(heading).as("walkthrough heading").isPositive();
        int start = readme.indexOf("```sh\n", heading) + "```sh\n".length();
        int end = readme.indexOf("\n```", start);
        return readme.substring(start, end) + "\n";
    }

    Map<String, String> env(int port) {
        Map<String, String> env = new HashMap<>(System.getenv());
        env.keySet().removeIf(name -> name.startsWith("KEYLESS_") || name.startsWith("MICRONAUT_"));
        env.put("MICRONAUT_SERVER_PORT", Integer.toString(port));
        env.put("XDG_DATA_HOME", xdgDataHome.toString());
        return env;
    }

    CommandResult runWalkthrough() throws IOException {
        Path script = Files.writeString(Files.createTempFile(xdgDataHome, "walkthrough", ".sh"), walkthrough());
        int port = Ports.free();
        CommandResult r = Commands.run(
                // In its own process group, so that a failed run's background service is stopped too.
                List.of(
                        "bash",
                        "-c",
                        "cd \"$1\" || exit 1; setsid bash -eo pipefail \"$2\" & pid=$!; wait $pid; rc=$?;"
                                + " kill -- -$pid 2>/dev/null; exit $rc",
                        "walk",
                        ROOT.toString(),
                        script.toString()),
                withNulls(env(port)),
                TIMEOUT);
        String out = r.stdout() + r.stderr();
        assertThat(r.exitCode()).as(out).isZero();
        assertThat(r.stdout()).contains("\"UP\"", "\"DRAFT\"", "\"ACTIVE\"", "\"wl_deployer\"", "\"web-01\"");
        assertThat(r.stdout()).contains("refused as it should be (exit 3)");
        assertThat(r.stderr()).contains("token-replayed");
        assertThat(portOpen(port)).as("the walkthrough stopped its service").isFalse();
        return r;
    }

    @Test
    void runsFromAFreshDataHomeAndAgainAfterSetUpAndAFirstRun() throws Exception {
        runWalkthrough();

        // Set-up command 1: the service on its default data directory, stopped again.
        String first = startAndStop(Map.of());
        Path defaultDir = xdgDataHome.resolve("keyless");
        assertThat(first).contains("data directory " + defaultDir);
        assertThat(Files.exists(defaultDir.resolve("keyless.mv.db"))).isTrue();
        // A bootstrap token for a team that already exists is ignored, and the service says so.
        String second = startAndStop(Map.of("KEYLESS_BOOTSTRAP_TOKEN", "x".repeat(40)));
        assertThat(second).contains("KEYLESS_BOOTSTRAP_TOKEN is ignored: team 'default' already exists");

        runWalkthrough();
    }

    /** Starts the service jar as set-up command 1 does, waits for /health, stops it; its output. */
    String startAndStop(Map<String, String> extra) throws Exception {
        int port = Ports.free();
        Path log = Files.createTempFile(xdgDataHome, "service", ".log");
        ProcessBuilder pb = new ProcessBuilder(
                        "java", "-jar", ServiceProcess.JAR.toAbsolutePath().toString())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        pb.environment().clear();
        pb.environment().putAll(env(port));
        pb.environment().putAll(extra);
        Process p = pb.start();
        try {
            CommandResult health = Commands.run(
                    List.of(
                            "bash",
                            "-c",
                            "for i in $(seq 90); do curl -fsS http://127.0.0.1:" + port
                                    + "/health && exit 0; sleep 1; done; exit 1"),
                    Map.of(),
                    Duration.ofSeconds(100));
            assertThat(health.exitCode()).as(Files.readString(log)).isZero();
        } finally {
            p.destroy();
            p.waitFor(30, TimeUnit.SECONDS);
        }
        return Files.readString(log);
    }

    static boolean portOpen(int port) {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            return s.isConnected();
        } catch (IOException e) {
            return false;
        }
    }

    static Map<String, String> withNulls(Map<String, String> env) {
        Map<String, String> full = new HashMap<>();
        System.getenv().keySet().forEach(name -> full.put(name, null));
        full.putAll(env);
        return full;
    }
}

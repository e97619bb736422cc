package dev.keyless.e2e;

import static dev.keyless.testkit.service.TeamSetup.T;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.keyless.client.KeylessClient;
import dev.keyless.testkit.CommandResult;
import dev.keyless.testkit.Commands;
import dev.keyless.testkit.LinuxUsers;
import dev.keyless.testkit.service.TeamSetup;
import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The agent's Debian package on this machine, as an operator uses it: {@code dpkg -i}, enrolment
 * with the token on standard input, the unit's own {@code ExecStart} line (no systemd runs here, so
 * the line is read from the installed unit and started as systemd would, with its environment),
 * sessions through an sshd that reads the machine's {@code /etc/ssh/sshd_config} (on a loopback
 * port), then {@code dpkg --purge} with a session still live: nothing of the package is left and
 * sshd_config is byte for byte what it was. The test first removes the machine's {@code Include
 * sshd_config.d} line so that the package's own line is added and removed; the original file is put
 * back afterwards. Runs under {@code flock /tmp/keyless-e2e.lock} like every scenario that touches
 * sshd and accounts; skips when dpkg is absent or the package is already installed here.
 */
class DebPackageScenario {
    static final String ROLE = "e2edeb";
    static final String USER = "wl_" + ROLE;
    static final Path SSHD_CONFIG = Path.of("/etc/ssh/sshd_config");
    static final Path UNIT = Path.of("/usr/lib/systemd/system/keyless-agent.service");
    static final Path AGENT_CONF = Path.of("/etc/keyless/agent.conf");
    static final Path HOST_CERT = Path.of("/etc/ssh/ssh_host_ed25519_key-cert.pub");
    /** Everything the package or its agent creates; each must be gone after the purge. */
    static final List<Path> LEFT_BEHIND = Stream.of(
                    "/usr/share/keyless-agent",
                    "/usr/bin/keyless-agent",
                    UNIT.toString(),
                    "/etc/keyless",
                    "/var/lib/keyless-agent",
                    "/etc/ssh/keyless",
                    "/etc/ssh/sshd_config.d/keyless.conf",
                    HOST_CERT.toString(),
                    "/etc/ssh/sshd_config.keyless-agent-backup",
                    "/etc/ssh/sshd_config.keyless-agent-new",
                    "/etc/systemd/system/multi-user.target.wants/keyless-agent.service",
                    "/usr/share/doc/keyless-agent")
            .map(Path::of)
            .toList();

    Path dir;
    byte[] originalSshdConfig;
    byte[] withoutInclude;
    ServiceProcess service;
    TeamSetup team;
    Process sshd;
    Process agent;

    @BeforeEach
    void setUp() throws Exception {
        assumeTrue(new File("/usr/bin/dpkg").canExecute(), "dpkg is not installed: the .deb cannot be tested here");
        assumeTrue(
                Commands.run(List.of("dpkg-query", "-W", "keyless-agent")).exitCode() != 0,
                "keyless-agent is installed on this machine; not touching a real installation");
        assumeTrue(deb() != null, "no host-agent/target/keyless-agent_*_all.deb: run ./mvnw package first");
        for (Path path : LEFT_BEHIND) {
            assumeTrue(!Files.exists(path), path + " exists already; not touching a real installation");
        }
        dir = Files.createTempDirectory(
                "keyless-deb", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        originalSshdConfig = Files.readAllBytes(SSHD_CONFIG);
        String stripped = Arrays.stream(new String(originalSshdConfig, StandardCharsets.UTF_8).split("\n", -1))
                .filter(line -> !line.strip().matches("(?i)include\\s+.*sshd_config\\.d.*"))
                .reduce((a, b) -> a + "\n" + b)
                .orElse("");
        withoutInclude = stripped.getBytes(StandardCharsets.UTF_8);
        Files.write(SSHD_CONFIG, withoutInclude);
    }

    @AfterEach
    void tearDown() throws Exception {
        stop(agent);
        stop(sshd);
        if (team != null) {
            team.close();
        }
        if (service != null) {
            service.close();
        }
        if (originalSshdConfig == null) {
            return; // skipped before anything changed
        }
        if (Commands.run(List.of("dpkg-query", "-W", "keyless-agent")).exitCode() == 0) {
            Commands.run(List.of("dpkg", "--purge", "keyless-agent"), Map.of(), Duration.ofMinutes(2));
        }
        Files.write(SSHD_CONFIG, originalSshdConfig);
        if (LinuxUsers.exists(USER)) {
            LinuxUsers.delete(USER);
        }
        Stack.deleteTree(dir);
    }

    @Test
    void installsEnrolsRunsTheUnitsCommandServesASessionAndPurgesWithoutATrace() throws Exception {
        CommandResult install = dpkg("-i", deb().toString());
        assertThat(install.exitCode()).as(install.stdout() + install.stderr()).isZero();
        assertThat(Files.readString(SSHD_CONFIG))
                .as("the package adds the include, first in the file")
                .startsWith("# Added by the keyless-agent package")
                .contains("\nInclude /etc/ssh/sshd_config.d/*.conf\n");
        assertThat(sshdTest().exitCode()).as("sshd_config valid after install").isZero();
        String unit = Files.readString(UNIT);
        assertThat(unit).contains("ConditionPathExists=/var/lib/keyless-agent/state.json");

        service = ServiceProcess.start(dir, Map.of());
        team = new TeamSetup(service.uri(), service.bootstrapToken());
        team.activeConnection("github");
        team.role(ROLE, "github", Map.of("repository", "acme-corp/deploy-svc"));
        int port = Ports.free();
        sshd = startSshd(port);
        team.server("web-01", port, Map.of("env", "deb"));
        team.policy(
                "deb", List.of(ROLE), Map.of("names", List.of("web-01")), List.of(Map.of("command", "/usr/bin/true")));
        int first = 61_000 + 100 * ThreadLocalRandom.current().nextInt(89);
        Files.writeString(
                AGENT_CONF,
                "sshd-pid-file = " + dir.resolve("sshd.pid") + "\nuid-range = " + first + "-" + (first + 99)
                        + "\nreconcile-seconds = 2\n",
                java.nio.file.StandardOpenOption.APPEND);

        CommandResult enrolled = enrolFromStandardInput(enrolmentToken());
        assertThat(enrolled.exitCode()).as(enrolled.stderr()).isZero();
        assertThat(HOST_CERT).exists();
        CommandResult before = Commands.run(List.of("/usr/bin/keyless-agent", "status"));
        assertThat(before.exitCode())
                .as("no drop-in yet: status says so and fails: " + before.stdout())
                .isEqualTo(3);
        assertThat(before.stderr()).contains("WARNING: sshd does not use the keyless drop-in");

        agent = startUnit(unit);
        assertThat(HostAgentScenario.within(60_000, () -> log("agent.log").contains("sshd uses the drop-in")))
                .as("the agent finds its drop-in in effect: " + log("agent.log"))
                .isTrue();
        CommandResult status = Commands.run(List.of("/usr/bin/keyless-agent", "status"));
        assertThat(status.exitCode()).as(status.stdout() + status.stderr()).isZero();
        assertThat(status.stdout())
                .contains("service: reachable")
                .contains("sshd: uses the drop-in /etc/ssh/sshd_config.d/keyless.conf");

        KeylessClient client = KeylessClient.create(service.uri(), TeamSetup.TEAM);
        Workload job = Workload.start(client, team, "web-01", dir);
        assertThat(job.awaitReady()).as(log("agent.log")).isEqualTo("READY");
        CommandResult whoami = job.ssh("whoami");
        assertThat(whoami.exitCode()).as(whoami.stderr() + log("sshd.log")).isZero();
        assertThat(whoami.stdout().strip()).isEqualTo(USER);
        assertThat(job.ssh("sudo", "-n", "/usr/bin/true").exitCode()).isZero();
        job.close();
        assertThat(HostAgentScenario.within(10_000, () -> !LinuxUsers.exists(USER)))
                .as("the agent removes the account after close")
                .isTrue();

        // A session still live when the package goes: the purge must take its account and trust too.
        Workload live = Workload.start(client, team, "web-01", dir);
        assertThat(live.awaitReady()).isEqualTo("READY");
        assertThat(live.ssh("true").exitCode()).isZero();
        stop(agent); // what the prerm's "systemctl stop" does where systemd runs
        CommandResult purge = dpkg("--purge", "keyless-agent");
        assertThat(purge.exitCode()).as(purge.stdout() + purge.stderr()).isZero();

        assertThat(LEFT_BEHIND.stream().filter(Files::exists).toList())
                .as("nothing of the package is left")
                .isEmpty();
        assertThat(LinuxUsers.exists(USER))
                .as("the live session's account is gone")
                .isFalse();
        assertThat(sessionSudoers()).isEmpty();
        assertThat(Files.readAllBytes(SSHD_CONFIG))
                .as("sshd_config is what it was before the install")
                .isEqualTo(withoutInclude);
        assertThat(sshdTest().exitCode()).isZero();
        assertThat(Commands.run(List.of("dpkg-query", "-W", "keyless-agent")).exitCode())
                .isNotZero();
        assertThat(live.ssh("true").exitCode())
                .as("sshd, reloaded by the purge, no longer trusts the team's certificates")
                .isNotZero();
    }

    private static Path deb() {
        File[] debs = Path.of("../host-agent/target")
                .toFile()
                .listFiles((d, name) -> name.startsWith("keyless-agent_") && name.endsWith("_all.deb"));
        return debs == null || debs.length == 0 ? null : debs[0].toPath().toAbsolutePath();
    }

    private static CommandResult dpkg(String... args) {
        List<String> argv = new ArrayList<>(List.of("dpkg"));
        argv.addAll(List.of(args));
        return Commands.run(argv, Map.of("DEBIAN_FRONTEND", "noninteractive"), Duration.ofMinutes(2));
    }

    private static CommandResult sshdTest() {
        return Commands.run(List.of("/usr/sbin/sshd", "-t", "-f", SSHD_CONFIG.toString()));
    }

    private String enrolmentToken() {
        return team.api
                .post(T + "/servers/web-01/enrollment-tokens", team.devops, null)
                .json()
                .get("token")
                .asText();
    }

    /** {@code printf '%s\n' "$TOKEN" | keyless-agent enroll ...}: the token never on argv. */
    private CommandResult enrolFromStandardInput(String token) throws Exception {
        Process enrol = new ProcessBuilder(
                        "/usr/bin/keyless-agent",
                        "enroll",
                        "--service",
                        service.uri().toString(),
                        "--team",
                        TeamSetup.TEAM,
                        "--server",
                        "web-01",
                        "--token-file",
                        "-")
                .redirectOutput(dir.resolve("enrol.out").toFile())
                .redirectError(dir.resolve("enrol.err").toFile())
                .start();
        enrol.getOutputStream().write((token + "\n").getBytes(StandardCharsets.US_ASCII));
        enrol.getOutputStream().close();
        assertThat(enrol.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new CommandResult(enrol.exitValue(), log("enrol.out"), log("enrol.err"));
    }

    /**
     * The machine's sshd configuration (and so the package's include and the agent's drop-in) on a
     * loopback port, with its own pid file, which agent.conf names for the reloads.
     */
    private Process startSshd(int port) throws Exception {
        Process process = new ProcessBuilder(
                        "/usr/sbin/sshd",
                        "-D",
                        "-e",
                        "-f",
                        SSHD_CONFIG.toString(),
                        "-o",
                        "Port=" + port,
                        "-o",
                        "ListenAddress=127.0.0.1",
                        "-o",
                        "PidFile=" + dir.resolve("sshd.pid"))
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("sshd.log").toFile())
                .start();
        assertThat(HostAgentScenario.within(10_000, () -> listening(port) && Files.exists(dir.resolve("sshd.pid"))))
                .as("sshd listening: " + log("sshd.log"))
                .isTrue();
        return process;
    }

    /** The unit's ExecStart, split as systemd splits it (no quotes in ours), in systemd's environment. */
    private Process startUnit(String unit) throws IOException {
        String execStart = unit.lines()
                .filter(line -> line.startsWith("ExecStart="))
                .findFirst()
                .orElseThrow()
                .substring("ExecStart=".length())
                .strip();
        assertThat(Path.of("/var/lib/keyless-agent/state.json"))
                .as("the unit's condition holds once enrolled")
                .exists();
        ProcessBuilder builder = new ProcessBuilder(execStart.split("\\s+"))
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("agent.log").toFile())
                .redirectInput(new File("/dev/null"));
        builder.environment().clear();
        builder.environment().put("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
        builder.environment().put("LANG", "C.UTF-8");
        return builder.start();
    }

    private static boolean listening(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static List<Path> sessionSudoers() throws IOException {
        try (Stream<Path> files = Files.list(Path.of("/etc/sudoers.d"))) {
            return files.filter(f -> {
                        try {
                            return f.getFileName().toString().startsWith("keyless-")
                                    && Files.readString(f).contains(USER);
                        } catch (IOException e) {
                            return false;
                        }
                    })
                    .toList();
        }
    }

    private String log(String name) {
        try {
            Path file = dir.resolve(name);
            return Files.exists(file) ? Files.readString(file) : "";
        } catch (IOException e) {
            return "(unreadable " + name + ")";
        }
    }

    private static void stop(Process process) throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(15, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }
}

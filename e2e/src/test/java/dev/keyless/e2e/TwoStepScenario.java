package dev.keyless.e2e;

import static dev.keyless.e2e.HostAgentScenario.within;
import static dev.keyless.testkit.service.TeamSetup.AUDIENCE;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.keyless.testkit.CommandResult;
import dev.keyless.testkit.Commands;
import dev.keyless.testkit.LinuxUsers;
import dev.keyless.testkit.service.TeamSetup;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The flow {@code sft} users know, with a static {@code --jwt-env} token against the real service,
 * host agent and sshd: {@code keyless authenticate} once, then {@code ssh}, {@code exec} and {@code
 * scp} with {@code KEYLESS_TOKEN} (no second exchange, so no replay refusal); and {@code keyless
 * ssh-config}, after which plain {@code ssh}, {@code scp}, {@code rsync -e ssh} and {@code git}
 * work, until {@code --stop} removes everything.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TwoStepScenario {
    static final String ROLE = "twostep";
    static final String USER = "wl_" + ROLE;
    static final Duration TIMEOUT = Duration.ofMinutes(2);

    Stack stack;
    Path tempRoot;
    Path work;

    @BeforeAll
    void start() throws Exception {
        stack = Stack.start(ROLE);
    }

    @BeforeEach
    void dirs() throws Exception {
        tempRoot = Files.createTempDirectory(Path.of("/tmp"), "k2s");
        // the remote side is this machine: the wl_ account must be able to read what it is sent
        work = Files.createTempDirectory(
                Path.of("/tmp"),
                "k2w",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxrwxrwx")));
        Files.setPosixFilePermissions(work, PosixFilePermissions.fromString("rwxrwxrwx"));
    }

    @AfterEach
    void cleanUp() {
        CliProcess.run(List.of("ssh-config", "--stop"), env(null), TIMEOUT);
        Stack.deleteTree(tempRoot);
        Stack.deleteTree(work);
    }

    @AfterAll
    void stop() {
        if (stack != null) {
            stack.close();
        }
    }

    /** A job with a static platform token in MY_JWT and, if given, the access token in KEYLESS_TOKEN. */
    Map<String, String> env(String accessToken) {
        Map<String, String> env = CliProcess.baseEnv();
        env.put("KEYLESS_SERVICE_URL", stack.service.uri().toString());
        env.put("KEYLESS_TEAM", TeamSetup.TEAM);
        env.put("KEYLESS_CONNECTION", "github");
        env.put("KEYLESS_AUDIENCE", AUDIENCE);
        env.put("KEYLESS_TEMP_DIR", tempRoot.toString());
        env.put("MY_JWT", jwt);
        if (accessToken != null) {
            env.put("KEYLESS_TOKEN", accessToken);
        }
        return env;
    }

    String jwt;

    String authenticate() {
        jwt = stack.team.githubToken();
        CommandResult r = CliProcess.run(List.of("authenticate", "--jwt-env", "MY_JWT"), env(null), TIMEOUT);
        assertThat(r.exitCode()).as(r.stderr()).isZero();
        String at = r.stdout().strip();
        assertThat(at).isNotEmpty().doesNotContain("\n");
        return at;
    }

    static List<String> args(String... a) {
        List<String> all = new ArrayList<>(List.of(a));
        return all;
    }

    @Test
    void authenticateOnceThenSshExecAndScpUseTheAccessToken() throws Exception {
        String at = authenticate();
        CommandResult ssh =
                CliProcess.run(args("ssh", "--jwt-env", "MY_JWT", "web-01", "--", "whoami"), env(at), TIMEOUT);
        assertThat(ssh.exitCode()).as(ssh.stderr()).isZero();
        assertThat(ssh.stdout().strip()).isEqualTo(USER);

        CommandResult exec = CliProcess.run(
                args("exec", "--jwt-env", "MY_JWT", "--server", "web-01", "--", "bash", "-c", "ssh web-01 whoami"),
                env(at),
                TIMEOUT);
        assertThat(exec.exitCode()).as(exec.stderr()).isZero();
        assertThat(exec.stdout().strip()).isEqualTo(USER);

        Path file = Files.writeString(work.resolve("payload.txt"), "copied by keyless scp\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-rw-rw-"));
        CommandResult scp = CliProcess.run(
                args("scp", "--jwt-env", "MY_JWT", file.toString(), "web-01:" + work.resolve("copy.txt")),
                env(at),
                TIMEOUT);
        assertThat(scp.exitCode()).as(scp.stderr()).isZero();
        assertThat(Files.readString(work.resolve("copy.txt"))).isEqualTo("copied by keyless scp\n");

        for (CommandResult r : List.of(ssh, exec, scp)) {
            CliScenario.assertNoSecret(r, List.of(at, jwt));
        }
        // The point of KEYLESS_TOKEN: the platform token was exchanged once; a second exchange is a replay.
        CommandResult again =
                CliProcess.run(args("ssh", "--jwt-env", "MY_JWT", "web-01", "--", "whoami"), env(null), TIMEOUT);
        assertThat(again.exitCode()).isEqualTo(3);
        assertThat(again.stderr()).contains("token-replayed");
    }

    @Test
    void sshConfigMakesPlainToolsWorkUntilStop() throws Exception {
        String at = authenticate();
        CommandResult config = CliProcess.run(args("ssh-config"), env(at), TIMEOUT);
        assertThat(config.exitCode()).as(config.stderr()).isZero();
        CliScenario.assertNoSecret(config, List.of(at, jwt));
        String exports = config.stdout();
        assertThat(exports).contains("export SSH_AUTH_SOCK=", "export KEYLESS_SSH_CONFIG=", "export GIT_SSH_COMMAND=");

        Path dir = Files.createDirectories(work.resolve("site"));
        Files.writeString(dir.resolve("index.html"), "hello\n");
        String script = String.join(
                "\n",
                "set -e",
                "eval \"$EXPORTS\"",
                "ssh web-01 whoami",
                "ssh web-01 sudo -n /usr/bin/true && echo sudo-ok",
                "scp -q " + dir.resolve("index.html") + " web-01:" + work.resolve("scp.html"),
                "rsync -a -e ssh " + dir + "/ web-01:" + work.resolve("rsync") + "/",
                "ssh web-01 git init -q --bare " + work.resolve("repo.git"),
                "git clone -q web-01:" + work.resolve("repo.git") + " " + work.resolve("clone") + " 2>&1",
                "test -d " + work.resolve("clone/.git") + " && echo git-ok");
        Map<String, String> shell = env(null);
        shell.remove("MY_JWT");
        shell.put("EXPORTS", exports);
        shell.put("GIT_CONFIG_GLOBAL", "/dev/null");
        CommandResult r = Commands.run(List.of("bash", "-c", script), withNulls(shell), TIMEOUT);
        assertThat(r.exitCode()).as(r.stdout() + r.stderr()).isZero();
        assertThat(r.stdout()).contains(USER, "sudo-ok", "git-ok");
        assertThat(Files.readString(work.resolve("scp.html"))).isEqualTo("hello\n");
        assertThat(Files.readString(work.resolve("rsync/index.html"))).isEqualTo("hello\n");

        // A second ssh-config reuses the running agent: same files, no new exchange.
        CommandResult reuse = CliProcess.run(args("ssh-config", "--server", "web-01"), env(null), TIMEOUT);
        assertThat(reuse.exitCode()).as(reuse.stderr()).isZero();
        assertThat(reuse.stdout()).isEqualTo(exports);

        JsonNode inventory = new ObjectMapper()
                .readTree(CliProcess.run(args("ansible-inventory", "--list"), env(null), TIMEOUT)
                        .stdout());
        assertThat(inventory.at("/all/hosts/0").asText()).isEqualTo("web-01");
        assertThat(inventory.at("/env_e2e/hosts/0").asText()).isEqualTo("web-01");
        assertThat(inventory.at("/_meta/hostvars/web-01/keyless_labels/env").asText())
                .isEqualTo("e2e");

        Path state = onlyEntry(tempRoot);
        assertNoPrivateKeyUnder(state);
        String config0600;
        try (Stream<Path> walk = Files.walk(state)) {
            config0600 = walk.filter(p -> p.getFileName().toString().equals("ssh_config"))
                    .findFirst()
                    .map(p -> {
                        try {
                            return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
                        } catch (java.io.IOException e) {
                            throw new java.io.UncheckedIOException(e);
                        }
                    })
                    .orElseThrow();
        }
        assertThat(config0600).isEqualTo("rw-------");

        CommandResult stop = CliProcess.run(args("ssh-config", "--stop"), env(null), TIMEOUT);
        assertThat(stop.exitCode()).as(stop.stderr()).isZero();
        assertThat(within(5_000, () -> !LinuxUsers.exists(USER)))
                .as("account removed after --stop")
                .isTrue();
        try (Stream<Path> left = Files.list(tempRoot)) {
            assertThat(left).as("state directory removed").isEmpty();
        }
        CommandResult after =
                Commands.run(List.of("bash", "-c", "eval \"$EXPORTS\"; ssh web-01 true"), withNulls(shell), TIMEOUT);
        assertThat(after.exitCode()).as("no access after --stop").isNotZero();
    }

    static Map<String, String> withNulls(Map<String, String> env) {
        Map<String, String> full = new java.util.HashMap<>();
        System.getenv().keySet().forEach(name -> full.put(name, null));
        full.putAll(env);
        return full;
    }

    static Path onlyEntry(Path dir) throws Exception {
        try (Stream<Path> entries = Files.list(dir)) {
            List<Path> all = entries.toList();
            assertThat(all).hasSize(1);
            return all.get(0);
        }
    }

    /** The key never touches the disk: no file of the state directory holds a private key. */
    static void assertNoPrivateKeyUnder(Path dir) throws Exception {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                assertThat(Files.readString(f)).as(f.toString()).doesNotContain("PRIVATE KEY");
            }
        }
    }
}

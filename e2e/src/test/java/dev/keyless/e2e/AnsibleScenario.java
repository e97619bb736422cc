package dev.keyless.e2e;

import static dev.keyless.e2e.HostAgentScenario.within;
import static dev.keyless.testkit.service.TeamSetup.AUDIENCE;
import static org.assertj.core.api.Assertions.assertThat;

import dev.keyless.testkit.CommandResult;
import dev.keyless.testkit.Commands;
import dev.keyless.testkit.LinuxUsers;
import dev.keyless.testkit.service.TeamSetup;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Ansible as seed users run it, through Keyless, against the real sshd and host agent: Debian's
 * {@code ansible-playbook} with {@code become: true}, once wrapped by {@code keyless exec} and
 * once after {@code keyless ssh-config} with the {@code keyless ansible-inventory} dynamic
 * inventory. The tasks run as {@code wl_<role>} under that role's sudo rules: a role granted
 * {@code ALL} becomes root; a role granted only {@code /usr/bin/true} runs {@code sudo -n
 * /usr/bin/true} but its {@code become} task (sudo of a shell, outside its rules) fails.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AnsibleScenario {
    /** The stack's role: sudo only /usr/bin/true on web-01. */
    static final String LIMITED = "anslimited";
    /** A second role, granted sudo ALL on web-01. */
    static final String ROOT = "ansroot";

    static final Duration TIMEOUT = Duration.ofMinutes(3);

    static final String BECOME_PLAYBOOK =
            """
            - hosts: all
              gather_facts: false
              tasks:
                - command: id -un
                  register: login
                - command: id -u
                  become: true
                  register: root
                - debug:
                    msg: "LOGIN={{ login.stdout }} ROOT={{ root.stdout }}"
            """;

    static final String LIMITED_PLAYBOOK =
            """
            - hosts: env_e2e
              gather_facts: false
              become: true
              tasks:
                - name: within the rules
                  command: sudo -n /usr/bin/true
                  become: false
                - name: outside the rules
                  command: id -u
            """;

    Stack stack;
    Path work;

    @BeforeAll
    void start() throws Exception {
        stack = Stack.start(LIMITED);
        stack.grant(ROOT, "github", Map.of("repository", "acme-corp/deploy-svc"));
        stack.team.policy(
                "e2e-ansroot-all",
                List.of(ROOT),
                Map.of("names", List.of("web-01")),
                List.of(Map.of("command", "ALL", "unrestricted", true)));
    }

    @BeforeEach
    void dirs() throws Exception {
        work = Files.createTempDirectory(Path.of("/tmp"), "kans");
        Files.writeString(work.resolve("become.yml"), BECOME_PLAYBOOK);
        Files.writeString(work.resolve("limited.yml"), LIMITED_PLAYBOOK);
        Path inventory = work.resolve("keyless-inventory.sh");
        Files.writeString(
                inventory,
                "#!/bin/sh\nexec java -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -jar " + CliProcess.JAR.toAbsolutePath()
                        + " ansible-inventory \"$@\"\n");
        Files.setPosixFilePermissions(inventory, PosixFilePermissions.fromString("rwx------"));
    }

    @AfterEach
    void cleanUp() {
        CliProcess.run(List.of("ssh-config", "--stop"), env(null), TIMEOUT);
        Stack.deleteTree(work);
    }

    @AfterAll
    void stop() {
        if (stack != null) {
            stack.close();
        }
    }

    Map<String, String> env(String jwt) {
        Map<String, String> env = CliProcess.baseEnv();
        env.put("KEYLESS_SERVICE_URL", stack.service.uri().toString());
        env.put("KEYLESS_TEAM", TeamSetup.TEAM);
        env.put("KEYLESS_CONNECTION", "github");
        env.put("KEYLESS_AUDIENCE", AUDIENCE);
        env.put("KEYLESS_TEMP_DIR", work.toString());
        env.put("KEYLESS_JOB_ID", "ansible-" + work.getFileName());
        if (jwt != null) {
            env.put("MY_JWT", jwt);
        }
        // A private ansible home and control-socket directory per run; pipelining avoids a remote
        // temp dir in the fresh account's home; the interpreter is named so no discovery warning.
        env.put("ANSIBLE_HOME", work.resolve("ansible-home").toString());
        env.put("ANSIBLE_SSH_CONTROL_PATH_DIR", work.resolve("cp").toString());
        env.put("ANSIBLE_PIPELINING", "True");
        env.put("ANSIBLE_PYTHON_INTERPRETER", "/usr/bin/python3");
        env.put("ANSIBLE_NOCOLOR", "1");
        env.put("ANSIBLE_LOCAL_TEMP", work.resolve("ansible-tmp").toString());
        return env;
    }

    @Test
    void becomeThroughKeylessExecRunsAsTheRoleAndThenRoot() throws Exception {
        String jwt = stack.team.githubToken();
        CommandResult r = CliProcess.run(
                List.of(
                        "exec",
                        "--jwt-env",
                        "MY_JWT",
                        "--role",
                        ROOT,
                        "--server",
                        "web-01",
                        "--",
                        "ansible-playbook",
                        "-i",
                        "web-01,",
                        work.resolve("become.yml").toString()),
                env(jwt),
                TIMEOUT);
        assertThat(r.exitCode()).as(r.stdout() + r.stderr()).isZero();
        assertThat(r.stdout()).contains("LOGIN=wl_" + ROOT + " ROOT=0");
        CliScenario.assertNoSecret(r, List.of(jwt));
        assertThat(within(5_000, () -> !LinuxUsers.exists("wl_" + ROOT)))
                .as("account removed after the job")
                .isTrue();
    }

    @Test
    void afterSshConfigTheDynamicInventoryAndTheRolesSudoRulesApply() throws Exception {
        String jwt = stack.team.githubToken();
        CommandResult config =
                CliProcess.run(List.of("ssh-config", "--jwt-env", "MY_JWT", "--role", LIMITED), env(jwt), TIMEOUT);
        assertThat(config.exitCode()).as(config.stderr()).isZero();

        Map<String, String> shell = env(null);
        shell.put("EXPORTS", config.stdout());
        CommandResult r = Commands.run(
                List.of(
                        "bash",
                        "-c",
                        "eval \"$EXPORTS\"; ansible-playbook -i " + work.resolve("keyless-inventory.sh") + " "
                                + work.resolve("limited.yml")),
                TwoStepScenario.withNulls(shell),
                TIMEOUT);
        String out = r.stdout() + r.stderr();
        assertThat(r.exitCode()).as(out).isEqualTo(2);
        assertThat(out).containsPattern("ok: \\[web-01\\]|changed: \\[web-01\\]");
        assertThat(out).containsPattern("web-01\\s+: ok=1 .*failed=1");
        assertThat(out).containsPattern("(?s)TASK \\[outside the rules\\].*fatal: \\[web-01\\]");
        CliScenario.assertNoSecret(r, List.of(jwt));

        CommandResult stop = CliProcess.run(List.of("ssh-config", "--stop"), env(null), TIMEOUT);
        assertThat(stop.exitCode()).as(stop.stderr()).isZero();
        assertThat(within(5_000, () -> !LinuxUsers.exists("wl_" + LIMITED)))
                .as("account removed after --stop")
                .isTrue();
    }
}

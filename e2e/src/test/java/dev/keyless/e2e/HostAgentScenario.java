package dev.keyless.e2e;

import static dev.keyless.testkit.service.TeamSetup.T;
import static org.assertj.core.api.Assertions.assertThat;

import dev.keyless.client.KeylessClient;
import dev.keyless.protocol.WorkloadRequests.SessionView;
import dev.keyless.testkit.CommandResult;
import dev.keyless.testkit.Commands;
import dev.keyless.testkit.LinuxUsers;
import dev.keyless.testkit.SshdHarness;
import dev.keyless.testkit.service.TeamSetup;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The service jar, the host agent jar and a real sshd: just-in-time accounts and per-session sudo
 * from certificate request to teardown, as a CI job would see them.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HostAgentScenario {
    static final String ROLE = "e2edeploy";
    static final String USER = "wl_" + ROLE;

    Stack stack;
    AgentProcess agent;
    SshdHarness sshd;
    TeamSetup team;
    KeylessClient client;

    @BeforeAll
    void start() throws Exception {
        stack = Stack.start(ROLE);
        agent = stack.agent;
        sshd = stack.sshd;
        team = stack.team;
        client = stack.client;
    }

    @AfterAll
    void stop() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void aJobGetsAJustInTimeAccountWithItsSudoRulesAndNothingIsLeftAfterClose() throws Exception {
        Workload job = stack.job();
        assertThat(job.awaitReady()).as(agent.log()).isEqualTo("READY");
        assertThat(LinuxUsers.exists(USER)).isTrue();

        CommandResult whoami = job.ssh("whoami");
        assertThat(whoami.exitCode()).as(whoami.stderr() + sshd.log()).isZero();
        assertThat(whoami.stdout().trim()).isEqualTo(USER);
        assertThat(job.ssh("sudo", "-n", "/usr/bin/true").exitCode()).isZero();
        CommandResult refused = job.ssh("sudo", "-n", "/usr/bin/id");
        assertThat(refused.exitCode()).isNotZero();

        job.close();
        assertThat(within(2_000, () -> !LinuxUsers.exists(USER)))
                .as("account removed within 2 s of close")
                .isTrue();
        assertThat(Path.of("/home", USER)).doesNotExist();
        assertThat(sudoersFiles(job.certificate.sessionId())).isEmpty();
        assertThat(agent.trustDir.resolve("principals").resolve(USER)).doesNotExist();
    }

    @Test
    void statusShowsTheEnrolmentTheServiceAndTheLiveSession() throws Exception {
        Workload job = stack.job();
        assertThat(job.awaitReady()).as(agent.log()).isEqualTo("READY");
        String sessionId = job.certificate.sessionId();

        CommandResult status = agentStatus(agent.stateDir);

        assertThat(status.exitCode()).as(status.stderr()).isZero();
        assertThat(status.stdout())
                .containsPattern("enrolment: agent \\S+, server web-01, team " + TeamSetup.TEAM + ", service "
                        + java.util.regex.Pattern.quote(stack.service.uri().toString()))
                .contains("service: reachable, 1 live session(s) for this server")
                .contains("sessions on this host: 1")
                .containsPattern("  " + sessionId + " " + USER + " serial \\d+ valid before \\S+")
                .containsPattern("wl_ accounts: .*\\b" + USER + "\\b")
                .contains("sshd: uses the drop-in " + agent.dropInDir.resolve("keyless.conf"));
        String agentKey = Files.readString(agent.stateDir.resolve("agent.key")).strip();
        assertThat(status.stdout() + status.stderr())
                .as("the agent's key never printed")
                .doesNotContain(agentKey);

        job.close();
        assertThat(within(2_000, () -> !LinuxUsers.exists(USER))).isTrue();
        CommandResult after = agentStatus(agent.stateDir);
        assertThat(after.stdout())
                .contains("service: reachable, 0 live session(s) for this server")
                .contains("sessions on this host: 0");

        CommandResult notEnrolled = agentStatus(stack.dir.resolve("no-such-state"));
        assertThat(notEnrolled.exitCode()).isEqualTo(1);
        assertThat(notEnrolled.stdout()).startsWith("enrolment: not enrolled");
    }

    private CommandResult agentStatus(Path stateDir) {
        return Commands.run(List.of(
                "java",
                "-jar",
                AgentProcess.JAR.toAbsolutePath().toString(),
                "status",
                "--state-dir",
                stateDir.toString(),
                "--sshd-config",
                sshd.configFile().toString(),
                "--sshd-config-dir",
                agent.dropInDir.toString(),
                "--trust-dir",
                agent.trustDir.toString()));
    }

    @Test
    void revocationCutsOffALiveConnectionWithinTwoSeconds() throws Exception {
        Workload job = stack.job();
        assertThat(job.awaitReady()).isEqualTo("READY");
        Process live = job.sshInBackground("sleep", "30");
        assertThat(within(5_000, () -> processOf(USER)))
                .as("ssh session running")
                .isTrue();

        long revokedAt = System.nanoTime();
        assertThat(team.api
                        .post(T + "/sessions/" + job.certificate.sessionId() + "/revoke", team.security, null)
                        .status())
                .isEqualTo(200);
        assertThat(live.waitFor(2, TimeUnit.SECONDS))
                .as("connection cut within 2 s")
                .isTrue();
        long millis = (System.nanoTime() - revokedAt) / 1_000_000;
        assertThat(millis).isLessThan(2_000);
        assertThat(job.ssh("true").exitCode()).isNotZero();
        assertThat(within(3_000, () -> !LinuxUsers.exists(USER))).isTrue();
    }

    @Test
    void twoSessionsOfOneRoleShareTheAccountUntilTheLastEnds() throws Exception {
        Workload first = stack.job();
        Workload second = stack.job();
        assertThat(first.awaitReady()).isEqualTo("READY");
        assertThat(second.awaitReady()).isEqualTo("READY");
        first.close();
        Workload.sleep(1_000);
        assertThat(LinuxUsers.exists(USER))
                .as("second session keeps the account")
                .isTrue();
        assertThat(second.ssh("whoami").stdout().trim()).isEqualTo(USER);
        second.close();
        assertThat(within(2_000, () -> !LinuxUsers.exists(USER))).isTrue();
    }

    @Test
    void anAgentKilledMidSessionCleansUpAfterRestart() throws Exception {
        Workload job = stack.job();
        assertThat(job.awaitReady()).isEqualTo("READY");
        agent.kill();
        job.close();
        SessionView closed = client.session(job.access.accessToken(), job.certificate.sessionId());
        assertThat(closed.state().name()).isEqualTo("CLOSED");
        assertThat(LinuxUsers.exists(USER))
                .as("nothing removes the account while the agent is down")
                .isTrue();
        agent.start();
        assertThat(within(15_000, () -> !LinuxUsers.exists(USER)))
                .as("restarted agent removes the account: " + agent.log())
                .isTrue();
        assertThat(sudoersFiles(job.certificate.sessionId())).isEmpty();
    }

    private static boolean processOf(String user) {
        return dev.keyless.testkit.Commands.run(List.of("pgrep", "-u", user)).exitCode() == 0;
    }

    private static List<Path> sudoersFiles(String sessionId) throws Exception {
        try (var files = Files.list(Path.of("/etc/sudoers.d"))) {
            return files.filter(f -> f.getFileName().toString().contains(sessionId))
                    .toList();
        }
    }

    static boolean within(long millis, BooleanSupplier condition) {
        long deadline = System.nanoTime() + millis * 1_000_000;
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return true;
            }
            Workload.sleep(25);
        }
        return condition.getAsBoolean();
    }
}

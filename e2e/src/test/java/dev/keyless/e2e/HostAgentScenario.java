package dev.keyless.e2e;

import static dev.keyless.testkit.service.TeamSetup.T;
import static org.assertj.core.api.Assertions.assertThat;

import dev.keyless.client.KeylessClient;
import dev.keyless.protocol.WorkloadRequests.SessionView;
import dev.keyless.testkit.CommandResult;
import dev.keyless.testkit.LinuxUsers;
import dev.keyless.testkit.SshdHarness;
import dev.keyless.testkit.service.TeamSetup;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
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

    Path dir;
    ServiceProcess service;
    TeamSetup team;
    SshdHarness sshd;
    AgentProcess agent;
    KeylessClient client;

    @BeforeAll
    void start() throws Exception {
        // sshd opens AuthorizedPrincipalsFile as the login user, who must be able to reach it.
        dir = Files.createTempDirectory(
                "keyless-e2e",
                java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                        java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x")));
        service = ServiceProcess.start(dir, Map.of());
        team = new TeamSetup(service.uri(), service.bootstrapToken());
        team.activeConnection("github");
        team.role(ROLE, "github", Map.of("repository", "acme-corp/deploy-svc"));
        sshd = SshdHarness.builder()
                .include(AgentProcess.dropInGlob(dir).toString())
                .start();
        team.server("web-01", sshd.port(), Map.of("env", "e2e"));
        team.policy(
                "e2e", List.of(ROLE), Map.of("names", List.of("web-01")), List.of(Map.of("command", "/usr/bin/true")));
        agent = new AgentProcess(dir, sshd);
        String token = team.api
                .post(T + "/servers/web-01/enrollment-tokens", team.devops, null)
                .json()
                .get("token")
                .asText();
        agent.enroll(service.uri(), "web-01", token);
        agent.start();
        client = KeylessClient.create(service.uri(), TeamSetup.TEAM);
    }

    @AfterAll
    void stop() throws Exception {
        if (agent != null) {
            agent.close();
        }
        if (sshd != null) {
            sshd.close();
        }
        if (team != null) {
            team.close();
        }
        if (service != null) {
            service.close();
        }
        if (LinuxUsers.exists(USER)) {
            LinuxUsers.delete(USER);
        }
    }

    @Test
    void aJobGetsAJustInTimeAccountWithItsSudoRulesAndNothingIsLeftAfterClose() throws Exception {
        Workload job = Workload.start(client, team, "web-01", dir);
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
    void revocationCutsOffALiveConnectionWithinTwoSeconds() throws Exception {
        Workload job = Workload.start(client, team, "web-01", dir);
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
        Workload first = Workload.start(client, team, "web-01", dir);
        Workload second = Workload.start(client, team, "web-01", dir);
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
        Workload job = Workload.start(client, team, "web-01", dir);
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

package dev.keyless.e2e;

import static dev.keyless.e2e.HostAgentScenario.within;
import static dev.keyless.testkit.service.TeamSetup.T;
import static org.assertj.core.api.Assertions.assertThat;

import dev.keyless.testkit.CommandResult;
import dev.keyless.testkit.Commands;
import dev.keyless.testkit.LinuxUsers;
import dev.keyless.testkit.service.Api;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Every door closes: the service jar, the host agent jar and a real sshd. A closed session's
 * certificate is refused while another session keeps the account; a role deleted or redefined, a
 * policy or a connection withdrawn, ends a live {@code ssh … sleep 30} within seconds.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RevocationScenario {
    static final String ROLE = "rvbase";
    static final String USER = "wl_" + ROLE;

    Stack stack;

    @BeforeAll
    void start() throws Exception {
        stack = Stack.start(ROLE);
    }

    @AfterAll
    void stop() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void aClosedSessionsCertificateIsRefusedAtOnceWhileTheOtherSessionStillLogsIn() throws Exception {
        Workload first = stack.job();
        Workload second = stack.job();
        assertThat(first.awaitReady()).as(stack.agent.log()).isEqualTo("READY");
        assertThat(second.awaitReady()).isEqualTo("READY");
        assertThat(first.ssh("true").exitCode()).isZero();

        int logMark = stack.sshd.log().length(); // the sshd log is shared by this class's tests
        first.close();

        // Refused by the KRL, not merely by sshd restarting for the reload that loads it (a
        // connection during the SIGHUP restart fails too): wait for sshd to say which.
        assertThat(within(
                        2_000,
                        () -> first.ssh("true").exitCode() != 0
                                && stack.sshd.log().substring(logMark).contains("revoked by file")))
                .as("closed session's certificate refused by the KRL within 2 s: " + stack.agent.log())
                .isTrue();
        assertThat(LinuxUsers.exists(USER))
                .as("the second session keeps the account")
                .isTrue();
        CommandResult other = second.ssh("whoami");
        assertThat(other.exitCode()).as(other.stderr()).isZero();
        assertThat(other.stdout().trim()).isEqualTo(USER);
        second.close();
        assertThat(within(2_000, () -> !LinuxUsers.exists(USER))).isTrue();
    }

    @Test
    void withdrawingThePolicyKillsALiveConnection() throws Exception {
        String user = stack.grant("rvpolicy", "github", repo("acme-corp/rv-policy"));
        Workload job = stack.job("github", "rvpolicy", repo("acme-corp/rv-policy"));
        assertKilledBy(job, user, () -> stack.team.api.delete(T + "/policies/e2e-rvpolicy", stack.team.security));
    }

    @Test
    void deletingTheRoleKillsALiveConnection() throws Exception {
        String user = stack.grant("rvdelete", "github", repo("acme-corp/rv-delete"));
        Workload job = stack.job("github", "rvdelete", repo("acme-corp/rv-delete"));
        assertKilledBy(job, user, () -> stack.team.api.delete(T + "/roles/rvdelete", stack.team.security));
    }

    @Test
    void changingTheRolesClaimsKillsALiveConnection() throws Exception {
        String user = stack.grant("rvchange", "github", repo("acme-corp/rv-change"));
        Workload job = stack.job("github", "rvchange", repo("acme-corp/rv-change"));
        assertKilledBy(
                job,
                user,
                () -> stack.team.api.put(
                        T + "/roles/rvchange",
                        stack.team.security,
                        Map.of("connection", "github", "claims", repo("acme-corp/rv-elsewhere"))));
    }

    @Test
    void deactivatingTheConnectionKillsALiveConnection() throws Exception {
        stack.team.activeConnection("github-rv");
        String user = stack.grant("rvconn", "github-rv", repo("acme-corp/rv-conn"));
        Workload job = stack.job("github-rv", "rvconn", repo("acme-corp/rv-conn"));
        assertKilledBy(
                job,
                user,
                () -> stack.team.api.post(T + "/connections/github-rv/deactivate", stack.team.security, null));
    }

    /** A live {@code ssh … sleep 30} ends within 3 s of the admin call; the certificate no longer logs in. */
    private void assertKilledBy(Workload job, String user, Supplier<Api.Response> adminCall) throws Exception {
        assertThat(job.awaitReady()).as(stack.agent.log()).isEqualTo("READY");
        Process live = job.sshInBackground("sleep", "30");
        assertThat(within(
                        5_000,
                        () -> Commands.run(List.of("pgrep", "-u", user, "-x", "sleep"))
                                        .exitCode()
                                == 0))
                .as("ssh session running")
                .isTrue();

        long calledAt = System.nanoTime();
        Api.Response r = adminCall.get();
        assertThat(r.status()).as(r.body()).isBetween(200, 204);

        assertThat(live.waitFor(3, TimeUnit.SECONDS))
                .as("connection cut within 3 s: " + stack.agent.log())
                .isTrue();
        System.out.printf(
                "TIMING %s -> live connection closed: %d ms%n", user, (System.nanoTime() - calledAt) / 1_000_000);
        assertThat(job.ssh("true").exitCode()).isNotZero();
        assertThat(within(3_000, () -> !LinuxUsers.exists(user))).isTrue();
    }

    private static Map<String, Object> repo(String repository) {
        return Map.of("repository", repository);
    }
}

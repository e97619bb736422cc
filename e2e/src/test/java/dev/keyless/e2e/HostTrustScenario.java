package dev.keyless.e2e;

import static dev.keyless.e2e.HostAgentScenario.within;
import static dev.keyless.testkit.service.TeamSetup.T;
import static org.assertj.core.api.Assertions.assertThat;

import dev.keyless.testkit.CommandResult;
import dev.keyless.testkit.Commands;
import dev.keyless.testkit.SshKeygen;
import dev.keyless.testkit.service.Api;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Trust that outlives its keys: with the service's host-certificate lifetime shortened to 20 s,
 * the agent renews before expiry and clients that trust only the host CA still verify the host;
 * rotating the user CA keeps old certificates working during the overlap and new ones work;
 * rotating the host CA gets the host a certificate from the new key before the old one retires.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HostTrustScenario {
    static final String ROLE = "trust";

    Stack stack;

    @BeforeAll
    void start() throws Exception {
        stack = Stack.withServiceEnv(ROLE, Map.of("KEYLESS_AGENT_HOST_CERTIFICATE_TTL", "20s"));
    }

    @AfterAll
    void stop() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void theAgentRenewsItsHostCertificateBeforeExpiryAndClientsStillVerifyTheHost() throws Exception {
        Path installed = stack.sshd.hostPublicKey().resolveSibling("ssh_host_ed25519_key-cert.pub");
        String enrolled = Files.readString(installed);
        long started = System.nanoTime();
        Workload job = stack.job();
        assertThat(job.awaitReady()).as(stack.agent.log()).isEqualTo("READY");

        assertThat(within(25_000, () -> !read(installed).equals(enrolled)))
                .as("host certificate renewed: " + stack.agent.log())
                .isTrue();
        // Past the enrolled certificate's end: only the renewed one lets the client verify the host.
        long left = 22_000 - (System.nanoTime() - started) / 1_000_000;
        if (left > 0) {
            Workload.sleep(left);
        }
        CommandResult ssh = job.ssh("true");
        assertThat(ssh.exitCode()).as(ssh.stderr() + stack.sshd.log()).isZero();
        assertThat(stack.team
                        .api
                        .get(T + "/audit?type=agent.host-certificate.renew", stack.team.auditor)
                        .json()
                        .get("events"))
                .isNotEmpty();
        job.close();
    }

    @Test
    void rotatingTheUserCaKeepsOldCertificatesWorkingDuringTheOverlapAndNewOnesWork() throws Exception {
        Workload before = stack.job();
        assertThat(before.awaitReady()).as(stack.agent.log()).isEqualTo("READY");
        Path trusted = stack.agent.trustDir.resolve("user_ca.pub");
        assertThat(keys(trusted)).hasSize(1);

        Api.Response rotated = stack.team.api.post(T + "/ca/user/rotate", stack.team.security, null);
        assertThat(rotated.status()).as(rotated.body()).isEqualTo(200);
        List<String> published =
                stack.team.api.get(T + "/ca/user", null).body().strip().lines().toList();
        assertThat(published).hasSize(2);
        assertThat(within(30_000, () -> keys(trusted).size() == 2))
                .as("agent trusts both keys: " + stack.agent.log())
                .isTrue();

        Workload after = stack.job();
        assertThat(after.awaitReady()).isEqualTo("READY");
        assertThat(ssh(after)).as("signed by the new key").isZero();
        assertThat(ssh(before)).as("signed by the old key, during the overlap").isZero();

        Api.Response retired = stack.team.api.post(T + "/ca/user/retire", stack.team.security, null);
        assertThat(retired.status()).as(retired.body()).isEqualTo(200);
        assertThat(stack.team
                        .api
                        .get(T + "/ca/user", null)
                        .body()
                        .strip()
                        .lines()
                        .toList())
                .containsExactly(published.get(1));
        assertThat(within(30_000, () -> keys(trusted).size() == 1)).isTrue();
        assertThat(ssh(before)).as("old key retired").isNotZero();
        assertThat(ssh(after)).isZero();
        assertThat(stack.team
                        .api
                        .post(T + "/ca/user/retire", stack.team.security, null)
                        .slug())
                .isEqualTo("ca-nothing-to-retire");
        assertThat(stack.team
                        .api
                        .post(T + "/ca/user/rotate", stack.team.devops, null)
                        .status())
                .isEqualTo(403);
        before.close();
        after.close();
    }

    @Test
    void rotatingTheHostCaRenewsTheHostCertificateUnderTheNewKeyAndTheOldOneCanBeRetired() throws Exception {
        Path installed = stack.sshd.hostPublicKey().resolveSibling("ssh_host_ed25519_key-cert.pub");
        Api.Response rotated = stack.team.api.post(T + "/ca/host/rotate", stack.team.security, null);
        assertThat(rotated.status()).as(rotated.body()).isEqualTo(200);
        List<String> published =
                stack.team.api.get(T + "/ca/host", null).body().strip().lines().toList();
        assertThat(published).hasSize(2);
        String newest = fingerprint(published.get(1));
        assertThat(within(30_000, () -> signer(installed).equals(newest)))
                .as("host certificate renewed under the new host CA key: " + stack.agent.log())
                .isTrue();

        Api.Response retired = stack.team.api.post(T + "/ca/host/retire", stack.team.security, null);
        assertThat(retired.status()).as(retired.body()).isEqualTo(200);
        Workload job = stack.job();
        assertThat(job.certificate.hostCaPublicKeys()).containsExactly(published.get(1));
        assertThat(job.awaitReady()).isEqualTo("READY");
        assertThat(ssh(job))
                .as("a client trusting only the new host CA verifies the host")
                .isZero();
        job.close();
    }

    private static String signer(Path certificate) {
        return SshKeygen.listCertificate(certificate)
                .stdout()
                .replaceAll("(?s).*Signing CA: \\S+ (SHA256:\\S+).*", "$1");
    }

    private static String fingerprint(String publicKeyLine) throws java.io.IOException {
        Path file = Files.createTempFile("host-ca", ".pub");
        try {
            Files.writeString(file, publicKeyLine + "\n");
            return Commands.runChecked(List.of("ssh-keygen", "-l", "-f", file.toString()))
                    .stdout()
                    .split(" ", -1)[1];
        } finally {
            Files.deleteIfExists(file);
        }
    }

    /** ssh through the job's certificate; a reload of sshd for a renewal may refuse one attempt. */
    private static int ssh(Workload job) {
        int exit = job.ssh("true").exitCode();
        return exit == 0 ? 0 : job.ssh("true").exitCode();
    }

    private static List<String> keys(Path file) {
        return read(file).strip().lines().filter(l -> !l.isBlank()).toList();
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (java.io.IOException e) {
            return "";
        }
    }
}

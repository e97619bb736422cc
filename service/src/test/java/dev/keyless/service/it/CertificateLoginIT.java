package dev.keyless.service.it;

import static dev.keyless.testkit.service.TeamSetup.T;
import static org.assertj.core.api.Assertions.assertThat;

import dev.keyless.client.KeylessClient;
import dev.keyless.protocol.WorkloadRequests.AccessToken;
import dev.keyless.protocol.WorkloadRequests.CertificateResponse;
import dev.keyless.testkit.CommandResult;
import dev.keyless.testkit.LinuxUsers;
import dev.keyless.testkit.SshKeygen;
import dev.keyless.testkit.SshdHarness;
import dev.keyless.testkit.service.TeamSetup;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A certificate issued over HTTP is accepted by a real sshd for wl_<role> and for no other user. */
class CertificateLoginIT {
    @TempDir
    Path dir;

    @Test
    void realSshdAcceptsTheIssuedCertificateForTheRolePrincipalOnly() throws Exception {
        try (RunningService service = RunningService.start(TestDatabase.H2);
                TeamSetup team = new TeamSetup(service.uri(), service.bootstrapToken());
                LinuxUsers.TestUser user = LinuxUsers.create("wl_sshlogin");
                LinuxUsers.TestUser other = LinuxUsers.create("wl_sshother")) {
            team.activeConnection("github");
            team.role("sshlogin", "github", Map.of("repository", "acme-corp/deploy-svc"));
            String userCa = team.api.get(T + "/ca/user", null).body().trim();
            try (SshdHarness sshd =
                    SshdHarness.builder().trustedUserCaKey(userCa).start()) {
                team.server("local", sshd.port(), Map.of("env", "test"));
                team.policy("login", List.of("sshlogin"), Map.of("names", List.of("local")), List.of());

                KeylessClient client = KeylessClient.create(service.uri(), RunningService.TEAM);
                AccessToken access = client.authenticate("github", team.githubToken(), null);
                Path key = SshKeygen.generate(dir, "job", "ed25519", 0, "job");
                CertificateResponse cert = client.requestCertificate(
                        access.accessToken(),
                        "local",
                        Files.readString(Path.of(key + ".pub")).trim());
                Path certFile = Path.of(key + "-cert.pub");
                Files.writeString(certFile, cert.certificate() + "\n");
                assertThat(cert.server().port()).isEqualTo(sshd.port());

                CommandResult ok = sshd.ssh(user.name(), key, certFile, "whoami");
                assertThat(ok.exitCode()).as(ok.stderr() + sshd.log()).isZero();
                assertThat(ok.stdout().trim()).isEqualTo("wl_sshlogin");

                CommandResult refused = sshd.ssh(other.name(), key, certFile, "whoami");
                assertThat(refused.exitCode()).isNotZero();
                assertThat(sshd.log()).contains("name is not a listed principal");
            }
        }
    }
}

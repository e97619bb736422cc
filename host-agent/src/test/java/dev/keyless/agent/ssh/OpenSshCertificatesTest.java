package dev.keyless.agent.ssh;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keyless.agent.cli.PamHookCommand;
import dev.keyless.protocol.AgentRequests.Login;
import dev.keyless.testkit.Commands;
import dev.keyless.testkit.SshKeygen;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Oracle: certificates made by the real ssh-keygen. */
class OpenSshCertificatesTest {
    @TempDir
    Path dir;

    private String certificate(String type, String serial, String keyId) throws Exception {
        Path ca =
                Files.exists(dir.resolve("ca")) ? dir.resolve("ca") : SshKeygen.generate(dir, "ca", "ed25519", 0, "ca");
        Files.deleteIfExists(dir.resolve("user-" + type));
        Files.deleteIfExists(dir.resolve("user-" + type + ".pub"));
        Files.deleteIfExists(dir.resolve("user-" + type + "-cert.pub"));
        Path user = SshKeygen.generate(dir, "user-" + type, type, 0, "user");
        Commands.runChecked(List.of(
                "ssh-keygen",
                "-q",
                "-s",
                ca.toString(),
                "-I",
                keyId,
                "-n",
                "wl_x",
                "-V",
                "+5m",
                "-z",
                serial,
                user + ".pub"));
        return Files.readString(dir.resolve("user-" + type + "-cert.pub")).strip();
    }

    @Test
    void readsSerialAndKeyIdOfEd25519EcdsaAndRsaCertificates() throws Exception {
        for (String type : List.of("ed25519", "ecdsa", "rsa")) {
            String line = certificate(type, "18446744073709551615", "keyless:team:role:" + type);
            assertThat(OpenSshCertificates.find("publickey " + line))
                    .contains(new OpenSshCertificates.CertificateInfo(
                            "18446744073709551615", "keyless:team:role:" + type));
        }
    }

    @Test
    void ignoresPlainKeysAndGarbage() {
        assertThat(OpenSshCertificates.find("publickey ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIA"))
                .isEmpty();
        assertThat(OpenSshCertificates.find("publickey ssh-ed25519-cert-v01@openssh.com !!!"))
                .isEmpty();
        assertThat(OpenSshCertificates.find(null)).isEmpty();
    }

    @Test
    void pamHookReportsWlLoginsOnly() throws Exception {
        String line = certificate("ed25519", "4242", "keyless:t:deployer:s1");
        Map<String, String> env = Map.of(
                "PAM_TYPE",
                "open_session",
                "PAM_USER",
                "wl_deployer",
                "PAM_RHOST",
                "10.0.0.9",
                "SSH_AUTH_INFO_0",
                "publickey " + line + "\n");
        assertThat(PamHookCommand.login(env))
                .contains(new Login("login", "wl_deployer", "4242", "keyless:t:deployer:s1", "10.0.0.9"));
        assertThat(PamHookCommand.login(Map.of("PAM_TYPE", "open_session", "PAM_USER", "root")))
                .isEmpty();
        assertThat(PamHookCommand.login(Map.of("PAM_TYPE", "close_session", "PAM_USER", "wl_d", "PAM_RHOST", "a b;c")))
                .contains(new Login("logout", "wl_d", null, null, null));
    }
}

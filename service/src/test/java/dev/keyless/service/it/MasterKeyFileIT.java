package dev.keyless.service.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keyless.client.KeylessClient;
import dev.keyless.protocol.WorkloadRequests.AccessToken;
import dev.keyless.testkit.SshKeygen;
import dev.keyless.testkit.service.TeamSetup;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The master key from a file outside the data directory, named by {@code KEYLESS_MASTER_KEY_FILE}
 * as a systemd unit does with {@code LoadCredential=master-key:…} and {@code
 * KEYLESS_MASTER_KEY_FILE=%d/master-key}: the service process, configured by its environment
 * only, seals its CA keys under that key, writes no key file of its own, never logs the key; and
 * refuses to start when the key is also given as a value.
 */
class MasterKeyFileIT {
    @TempDir
    Path dir;

    private Path credential(String key) throws Exception {
        Path credentials = Files.createDirectories(dir.resolve("credentials"));
        Path file = credentials.resolve("master-key");
        Files.writeString(file, key + "\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("r--------"));
        return file;
    }

    private static String newKey() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return Base64.getEncoder().encodeToString(key);
    }

    @Test
    void theServiceRunsOnAKeyFromACredentialFile() throws Exception {
        String key = newKey();
        Path file = credential(key);
        try (ServiceProcess service =
                ServiceProcess.start(Map.of("KEYLESS_MASTER_KEY", "", "KEYLESS_MASTER_KEY_FILE", file.toString()))) {
            try (TeamSetup team = new TeamSetup(service.uri(), service.bootstrapToken()).standard()) {
                // The team's user CA key was sealed under the file's key; signing a certificate opens it.
                KeylessClient client = KeylessClient.create(service.uri(), TeamSetup.TEAM);
                AccessToken access = client.authenticate("github", team.githubToken(), null);
                Path job = SshKeygen.generate(dir, "job", "ed25519", 0, "job");
                assertThat(client.requestCertificate(
                                        access.accessToken(),
                                        "web-01",
                                        Files.readString(Path.of(job + ".pub")).trim())
                                .certificate())
                        .startsWith("ssh-ed25519-cert-v01@openssh.com ");
            }
            assertThat(service.dataDir().resolve("master.key")).doesNotExist();
            assertThat(service.log()).doesNotContain(key);
        }
    }

    @Test
    void aKeyValueAndAKeyFileTogetherStopTheStartWithTheFix() throws Exception {
        String key = newKey();
        Path file = credential(key);
        assertThatThrownBy(() -> ServiceProcess.start(
                        Map.of("KEYLESS_MASTER_KEY", newKey(), "KEYLESS_MASTER_KEY_FILE", file.toString())))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining(
                        "both KEYLESS_MASTER_KEY and KEYLESS_MASTER_KEY_FILE are set; set one of them, not both")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain(key));
    }
}

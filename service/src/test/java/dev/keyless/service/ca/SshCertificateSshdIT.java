package dev.keyless.service.ca;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keyless.testkit.CommandResult;
import dev.keyless.testkit.LinuxUsers;
import dev.keyless.testkit.SshKeygen;
import dev.keyless.testkit.SshdHarness;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Logs in to a real sshd with certificates from this CA. Needs root, sshd and ssh. */
class SshCertificateSshdIT {
    private static final String DEPLOY_USER = "wl_cadeploy";
    private static final String OTHER_USER = "wl_caother";

    @TempDir
    static Path directory;

    private static final Ed25519CertificateAuthority CA = Ed25519CertificateAuthority.generate(new SecureRandom());
    private static SshdHarness sshd;
    private static Path userKey;
    private static SshPublicKey userPublicKey;

    @BeforeAll
    static void start() throws IOException {
        LinuxUsers.create(DEPLOY_USER);
        LinuxUsers.create(OTHER_USER);
        userKey = SshKeygen.generate(directory, "id_ed25519", "ed25519", 0, "ci-job");
        userPublicKey = SshPublicKeys.parse(Files.readString(directory.resolve("id_ed25519.pub")));
        sshd = SshdHarness.builder()
                .trustedUserCaKey(CA.publicKeyLine("keyless-user-ca"))
                .start();
    }

    @AfterAll
    static void stop() {
        try {
            if (sshd != null) {
                sshd.close();
            }
        } finally {
            LinuxUsers.delete(DEPLOY_USER);
            LinuxUsers.delete(OTHER_USER);
        }
    }

    @Test
    void logsInAsThePrincipalNamedInTheCertificate() throws IOException {
        Path certificate = write("valid", sign(CA, Instant.now().minusSeconds(60), Duration.ofMinutes(5)));

        CommandResult result = sshd.ssh(DEPLOY_USER, userKey, certificate, "whoami");

        assertThat(result.exitCode()).as(result.stderr() + sshd.log()).isZero();
        assertThat(result.stdout().strip()).isEqualTo(DEPLOY_USER);
    }

    @Test
    void refusesLoginAsUserTheCertificateDoesNotName() throws IOException {
        Path certificate = write("other-user", sign(CA, Instant.now().minusSeconds(60), Duration.ofMinutes(5)));
        int logStart = sshd.log().length();

        CommandResult result = sshd.ssh(OTHER_USER, userKey, certificate, "whoami");

        assertRefused(result);
        assertThat(sshd.log().substring(logStart)).contains("Certificate invalid: name is not a listed principal");
    }

    @Test
    void refusesExpiredCertificate() throws IOException {
        Path certificate = write("expired", sign(CA, Instant.now().minus(Duration.ofHours(2)), Duration.ofHours(1)));
        int logStart = sshd.log().length();

        CommandResult result = sshd.ssh(DEPLOY_USER, userKey, certificate, "whoami");

        assertRefused(result);
        assertThat(sshd.log().substring(logStart)).contains("Certificate invalid: expired");
    }

    @Test
    void refusesCertificateSignedByUntrustedCa() throws IOException {
        Ed25519CertificateAuthority stranger = Ed25519CertificateAuthority.generate(new SecureRandom());
        Path certificate = write("stranger", sign(stranger, Instant.now().minusSeconds(60), Duration.ofMinutes(5)));
        int logStart = sshd.log().length();

        CommandResult result = sshd.ssh(DEPLOY_USER, userKey, certificate, "whoami");

        assertRefused(result);
        assertThat(sshd.log().substring(logStart))
                .contains("Failed publickey for " + DEPLOY_USER)
                .contains(stranger.publicKey().fingerprintSha256());
    }

    private static void assertRefused(CommandResult result) {
        assertThat(result.exitCode()).isEqualTo(255);
        assertThat(result.stderr()).contains("Permission denied");
        assertThat(result.stdout()).doesNotContain(DEPLOY_USER);
    }

    private static SignedSshCertificate sign(Ed25519CertificateAuthority ca, Instant start, Duration lifetime) {
        return SshCertificateBuilder.userCertificate(userPublicKey)
                .serial(new SecureRandom().nextLong())
                .keyId("sshd-it")
                .principal(DEPLOY_USER)
                .validity(start, lifetime)
                .sign(ca);
    }

    private static Path write(String name, SignedSshCertificate certificate) throws IOException {
        Path path = directory.resolve(name + "-cert.pub");
        Files.writeString(path, certificate.toLine() + "\n");
        return path;
    }
}

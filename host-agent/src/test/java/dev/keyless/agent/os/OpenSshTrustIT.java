package dev.keyless.agent.os;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keyless.testkit.CommandResult;
import dev.keyless.testkit.Commands;
import dev.keyless.testkit.SshKeygen;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The drop-in against the real {@code sshd -t}: a drop-in sshd refuses is taken back before
 * anything reloads (the previous one restored, or none), and paths sshd_config must quote work.
 * The reload is a command that leaves a marker, so "not reloaded" is observable.
 */
class OpenSshTrustIT {
    static final Path SSHD = Path.of("/usr/sbin/sshd");

    @TempDir
    Path tmp;

    Path hostKey;
    Path userCaLine;
    Path hostCertificate;
    Path dropInDir;
    Path reloaded;

    @BeforeEach
    void keys() throws Exception {
        hostKey = SshKeygen.generate(tmp, "ssh_host_ed25519_key", "ed25519", 0, "host");
        Path userCa = SshKeygen.generate(tmp, "user_ca", "ed25519", 0, "user-ca");
        userCaLine = userCa.resolveSibling("user_ca.pub");
        // A host certificate, as every enrolled agent has: HostCertificate is what sshd refuses
        // inside a Match block.
        CommandResult signed = Commands.run(List.of(
                "ssh-keygen",
                "-q",
                "-s",
                userCa.toString(),
                "-h",
                "-I",
                "host",
                "-n",
                "localhost",
                hostKey.resolveSibling("ssh_host_ed25519_key.pub").toString()));
        assertThat(signed.exitCode()).as(signed.stderr()).isZero();
        hostCertificate = hostKey.resolveSibling("ssh_host_ed25519_key-cert.pub");
        dropInDir = Files.createDirectory(tmp.resolve("sshd_config.d"));
        reloaded = tmp.resolve("reloaded");
    }

    /** A main config; {@code includeInsideMatch} puts the Include after a Match block, a real misconfiguration. */
    Path mainConfig(boolean includeInsideMatch) throws Exception {
        String include = "Include " + dropInDir + "/*.conf\n";
        String text = "HostKey " + hostKey + "\nUsePAM no\nPidFile none\n"
                + (includeInsideMatch ? "Match User nobody\n  X11Forwarding no\n" + include : include);
        return Files.writeString(tmp.resolve("sshd_config"), text);
    }

    OpenSshTrust trust(Path config, Path trustDir) {
        return new OpenSshTrust(new TrustSettings(
                trustDir,
                dropInDir.resolve("keyless.conf"),
                config,
                SSHD,
                hostCertificate,
                null,
                List.of("touch", reloaded.toString())));
    }

    @Test
    void aDropInSshdRefusesIsReplacedByThePreviousOneAndSshdIsNotReloaded() throws Exception {
        Path dropIn = Files.writeString(dropInDir.resolve("keyless.conf"), "# the previous drop-in\n");
        OpenSshTrust trust = trust(mainConfig(true), tmp.resolve("trust"));

        assertThatThrownBy(() -> trust.install(List.of(Files.readString(userCaLine)), Set.of()))
                .isInstanceOfSatisfying(
                        OsCommandException.class, e -> assertThat(e.tool()).isEqualTo("sshd -t"))
                .hasMessageContaining("not allowed within a Match block");

        assertThat(dropIn).hasContent("# the previous drop-in");
        assertThat(reloaded).as("sshd not reloaded").doesNotExist();
        assertThat(Commands.run(List.of(
                                SSHD.toString(),
                                "-t",
                                "-f",
                                tmp.resolve("sshd_config").toString()))
                        .exitCode())
                .as("the configuration sshd would load is valid again")
                .isZero();
    }

    @Test
    void withoutAPreviousDropInTheRefusedOneIsRemoved() throws Exception {
        OpenSshTrust trust = trust(mainConfig(true), tmp.resolve("trust"));

        assertThatThrownBy(() -> trust.install(List.of(Files.readString(userCaLine)), Set.of()))
                .isInstanceOf(OsCommandException.class);

        assertThat(dropInDir.resolve("keyless.conf")).doesNotExist();
        assertThat(reloaded).doesNotExist();
    }

    @Test
    void aTrustDirectoryWithASpaceIsQuotedAndSshdReadsIt() throws Exception {
        Path config = mainConfig(false);
        Path trustDir = tmp.resolve("keyless trust");
        OpenSshTrust trust = trust(config, trustDir);

        trust.install(List.of(Files.readString(userCaLine)), Set.of());

        assertThat(reloaded).as("sshd reloaded after a valid drop-in").exists();
        CommandResult effective = Commands.run(
                List.of(SSHD.toString(), "-T", "-f", config.toString(), "-C", "user=wl_x,host=client,addr=127.0.0.1"));
        assertThat(effective.exitCode()).as(effective.stderr()).isZero();
        assertThat(effective.stdout())
                .contains("trustedusercakeys " + trustDir.resolve("user_ca.pub"))
                .contains("authorizedprincipalsfile " + trustDir.resolve("principals") + "/%u")
                .contains("revokedkeys " + trustDir.resolve("revoked.krl"))
                .contains("hostcertificate " + hostCertificate);
    }

    @Test
    void pathsSshdConfigCannotCarryAreRefusedUpFront() {
        for (String bad : List.of("/srv/key\"less", "/srv/%h", "/srv/key\nless")) {
            assertThatThrownBy(() -> trust(tmp.resolve("sshd_config"), Path.of(bad)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("path for sshd contains a character")
                    .hasMessageNotContaining("\n");
        }
        assertThatThrownBy(() -> trust(tmp.resolve("sshd_config"), Path.of("relative/trust")))
                .hasMessageContaining("must be absolute");
    }

    @Test
    void anUnchangedPrincipalsFileIsLeftAloneAndAChangedOneRewritten() throws Exception {
        OpenSshTrust trust = trust(mainConfig(false), tmp.resolve("trust"));
        trust.install(List.of(Files.readString(userCaLine)), Set.of());
        Path file = tmp.resolve("trust").resolve("principals").resolve("wl_x");

        trust.writePrincipals("wl_x", "wl_x");
        Object first = Files.getAttribute(file, "unix:ino");
        trust.writePrincipals("wl_x", "wl_x"); // a second session of the role
        assertThat(Files.getAttribute(file, "unix:ino")).as("not rewritten").isEqualTo(first);

        Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-rw-rw-"));
        trust.writePrincipals("wl_x", "wl_x");
        assertThat(Files.getAttribute(file, "unix:ino")).as("rewritten: mode").isNotEqualTo(first);
        assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
                .isEqualTo("rw-r--r--");

        Files.writeString(file, "wl_other\n");
        trust.writePrincipals("wl_x", "wl_x");
        assertThat(file).hasContent("wl_x");
    }
}

package dev.keyless.service.ca;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keyless.testkit.CommandResult;
import dev.keyless.testkit.SshKeygen;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Compares certificates this CA signs, field by field, with what the real {@code ssh-keygen -L} reads. */
class SshCertificateOracleTest {
    private static final DateTimeFormatter SSH_KEYGEN_TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss").withZone(ZoneOffset.UTC);
    private static final Instant VALID_AFTER = Instant.parse("2030-01-02T03:04:05Z");
    private static final Instant VALID_BEFORE = VALID_AFTER.plus(Duration.ofMinutes(15));

    @TempDir
    static Path directory;

    private static Ed25519CertificateAuthority ca;
    private static String caFingerprint;

    @BeforeAll
    static void createCa() throws IOException {
        ca = Ed25519CertificateAuthority.generate(new SecureRandom());
        Path caPub = directory.resolve("ca.pub");
        Files.writeString(caPub, ca.publicKeyLine("keyless-ca") + "\n");
        caFingerprint = SshKeygen.fingerprint(caPub);
    }

    static Stream<Arguments> subjectKeys() {
        return Stream.of(
                Arguments.of("ed25519", "ed25519", 0, "ssh-ed25519-cert-v01@openssh.com", "ED25519-CERT"),
                Arguments.of("ecdsa nistp256", "ecdsa", 256, "ecdsa-sha2-nistp256-cert-v01@openssh.com", "ECDSA-CERT"),
                Arguments.of("ecdsa nistp384", "ecdsa", 384, "ecdsa-sha2-nistp384-cert-v01@openssh.com", "ECDSA-CERT"),
                Arguments.of("rsa 3072", "rsa", 3072, "ssh-rsa-cert-v01@openssh.com", "RSA-CERT"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("subjectKeys")
    void userCertificateReadsBackFieldByFieldInSshKeygen(
            String name, String type, int bits, String certificateType, String printedKeyType) throws IOException {
        Path key = SshKeygen.generate(directory, "user-" + type + bits, type, bits, "job");
        SshPublicKey subject = SshPublicKeys.parse(Files.readString(pub(key)));

        SignedSshCertificate signed = SshCertificateBuilder.userCertificate(subject)
                .serial(-2L) // 2^64 - 2: the serial is unsigned on the wire
                .keyId("keyless run 42")
                .principal("wl_deploy")
                .principal("wl_release")
                .validAfter(VALID_AFTER)
                .validBefore(VALID_BEFORE)
                .extension(SshCertificateBuilder.PERMIT_PTY)
                .extension("permit-port-forwarding")
                .criticalOption(SshCertificateBuilder.SOURCE_ADDRESS, "10.0.0.0/8,127.0.0.1/32")
                .criticalOption(SshCertificateBuilder.FORCE_COMMAND, "/usr/bin/deploy --now")
                .sign(ca);
        Map<String, List<String>> fields = listCertificate(signed, key);

        assertThat(signed.keyType()).isEqualTo(certificateType);
        assertThat(fields.get("Type")).containsExactly(certificateType + " user certificate");
        assertThat(fields.get("Public key")).containsExactly(printedKeyType + " " + SshKeygen.fingerprint(pub(key)));
        assertThat(fields.get("Signing CA")).containsExactly("ED25519 " + caFingerprint + " (using ssh-ed25519)");
        assertThat(fields.get("Key ID")).containsExactly("\"keyless run 42\"");
        assertThat(fields.get("Serial")).containsExactly("18446744073709551614");
        assertThat(fields.get("Valid"))
                .containsExactly(
                        "from " + SSH_KEYGEN_TIME.format(VALID_AFTER) + " to " + SSH_KEYGEN_TIME.format(VALID_BEFORE));
        assertThat(fields.get("Principals")).containsExactly("wl_deploy", "wl_release");
        assertThat(fields.get("Critical Options"))
                .containsExactly("force-command /usr/bin/deploy --now", "source-address 10.0.0.0/8,127.0.0.1/32");
        assertThat(fields.get("Extensions")).containsExactly("permit-port-forwarding", "permit-pty");
    }

    @Test
    void hostCertificateReadsBackInSshKeygen() throws IOException {
        Path key = SshKeygen.generate(directory, "host", "ed25519", 0, "host");
        SshPublicKey subject = SshPublicKeys.parse(Files.readString(pub(key)));

        SignedSshCertificate signed = SshCertificateBuilder.hostCertificate(subject)
                .serial(7)
                .keyId("host web-1")
                .principal("web-1.example.internal")
                .validity(VALID_AFTER, Duration.ofDays(30))
                .sign(ca);
        Map<String, List<String>> fields = listCertificate(signed, key);

        assertThat(fields.get("Type")).containsExactly("ssh-ed25519-cert-v01@openssh.com host certificate");
        assertThat(fields.get("Signing CA")).containsExactly("ED25519 " + caFingerprint + " (using ssh-ed25519)");
        assertThat(fields.get("Serial")).containsExactly("7");
        assertThat(fields.get("Principals")).containsExactly("web-1.example.internal");
        assertThat(fields.get("Critical Options")).containsExactly("(none)");
        assertThat(fields.get("Extensions")).containsExactly("(none)");
    }

    @Test
    void sshKeygenRefusesCertificateWithTamperedSignature() throws IOException {
        Path key = SshKeygen.generate(directory, "tampered", "ed25519", 0, "t");
        SignedSshCertificate signed = SshCertificateBuilder.userCertificate(
                        SshPublicKeys.parse(Files.readString(pub(key))))
                .serial(1)
                .principal("wl_deploy")
                .validity(VALID_AFTER, Duration.ofMinutes(5))
                .sign(ca);
        byte[] blob = signed.blob();
        blob[blob.length - 1] ^= 1;
        Path certificate = directory.resolve("tampered-cert.pub");
        Files.writeString(
                certificate, signed.keyType() + " " + Base64.getEncoder().encodeToString(blob) + "\n");

        // Proves the oracle checks the CA signature, so the passing cases above also vouch for it.
        assertThat(SshKeygen.listCertificate(certificate).succeeded()).isFalse();
    }

    /** Parses {@code ssh-keygen -L}: "Name: value" lines, and indented list items under a list heading. */
    private static Map<String, List<String>> listCertificate(SignedSshCertificate signed, Path key) throws IOException {
        Path certificate = key.resolveSibling(key.getFileName() + "-cert.pub");
        Files.writeString(certificate, signed.toLine() + "\n");
        CommandResult result = SshKeygen.listCertificate(certificate);
        assertThat(result.exitCode()).as(result.stderr()).isZero();
        Map<String, List<String>> fields = new LinkedHashMap<>();
        List<String> current = null;
        for (String raw : result.stdout().lines().skip(1).toList()) {
            String line = raw.strip();
            int colon = line.indexOf(": ");
            boolean heading = line.endsWith(":") || (colon > 0 && !raw.startsWith("                "));
            if (heading && colon > 0) {
                current = new ArrayList<>(List.of(line.substring(colon + 2).strip()));
                fields.put(line.substring(0, colon), current);
            } else if (heading) {
                current = new ArrayList<>();
                fields.put(line.substring(0, line.length() - 1), current);
            } else if (current != null && !line.isEmpty()) {
                current.add(line);
            }
        }
        return fields;
    }

    private static Path pub(Path privateKey) {
        return privateKey.resolveSibling(privateKey.getFileName() + ".pub");
    }
}

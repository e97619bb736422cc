package dev.keyless.service.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keyless.client.KeylessClient;
import dev.keyless.client.KeylessProblemException;
import dev.keyless.testkit.CommandResult;
import dev.keyless.testkit.Commands;
import dev.keyless.testkit.TestPki;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * HTTPS from a PEM certificate and key ({@code KEYLESS_TLS_CERT}, {@code KEYLESS_TLS_KEY}) made
 * by openssl from a private CA ({@link TestPki}): curl with {@code --cacert} and the client library with the CA
 * bundle (what the CLI's {@code --ca-bundle} uses) get through, a client without the CA and plain
 * HTTP do not.
 */
class TlsIT {
    @TempDir
    Path dir;

    @Test
    void servesHttpsFromPem() throws Exception {
        TestPki pki = TestPki.create(dir);
        Path ca = pki.ca();
        Path cert = pki.cert();
        Path key = pki.key();

        try (ServiceProcess service =
                ServiceProcess.start(Map.of("KEYLESS_TLS_CERT", cert.toString(), "KEYLESS_TLS_KEY", key.toString()))) {
            String health = service.uri().resolve("/health").toString();
            CommandResult trusted = Commands.run(List.of("curl", "-sS", "--cacert", ca.toString(), health));
            assertThat(trusted.exitCode()).as(trusted.stderr()).isZero();
            assertThat(trusted.stdout()).isEqualTo("{\"status\":\"UP\"}");
            CommandResult tls12 = Commands.run(
                    List.of("curl", "-sS", "--tlsv1.2", "--tls-max", "1.2", "--cacert", ca.toString(), health));
            assertThat(tls12.exitCode()).as(tls12.stderr()).isZero();

            CommandResult untrusted = Commands.run(List.of("curl", "-sS", health));
            assertThat(untrusted.exitCode()).isEqualTo(60); // peer certificate cannot be authenticated
            CommandResult plain = Commands.run(
                    List.of("curl", "-sS", "--max-time", "5", "http://127.0.0.1:" + service.port() + "/health"));
            assertThat(plain.exitCode()).isNotZero();
            assertThat(plain.stdout()).doesNotContain("UP");

            KeylessClient withBundle =
                    KeylessClient.builder(service.uri(), "acme").caBundle(ca).build();
            assertThatThrownBy(() -> withBundle.authenticate("no-such-connection", "x", null))
                    .isInstanceOfSatisfying(KeylessProblemException.class, e -> assertThat(e.getMessage())
                            .contains("connection-not-found"));
            KeylessClient withoutBundle =
                    KeylessClient.builder(service.uri(), "acme").build();
            assertThatThrownBy(() -> withoutBundle.authenticate("no-such-connection", "x", null))
                    .isNotInstanceOf(KeylessProblemException.class)
                    .hasStackTraceContaining("PKIX");
        }
    }

    @Test
    void aCertificateWithoutItsKeyIsRefusedAtStart() throws Exception {
        Path cert = dir.resolve("lonely.pem");
        Files.writeString(cert, "-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n");
        assertThatThrownBy(() -> ServiceProcess.start(Map.of("KEYLESS_TLS_CERT", cert.toString())))
                .hasMessageContaining("KEYLESS_TLS_CERT and KEYLESS_TLS_KEY must be set together");
    }
}

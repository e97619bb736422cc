package dev.keyless.service.sso;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keyless.service.sealing.SecretBox;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

/** The SSO client secret moves onto the new master key with the rest (a real in-memory H2). */
class SsoSecretResealerTest {
    private static byte[] key() {
        byte[] k = new byte[32];
        new SecureRandom().nextBytes(k);
        return k;
    }

    @Test
    void aClientSecretUnderThePreviousKeyIsResealedOnceAndOpensUnderTheNewKeyAlone() throws Exception {
        byte[] oldKey = key();
        byte[] newKey = key();
        SecretBox old = new SecretBox(oldKey, new SecureRandom());
        SecretBox rotating = new SecretBox(newKey, oldKey, new SecureRandom());
        SecretBox current = new SecretBox(newKey, new SecureRandom());
        try (Connection c = DriverManager.getConnection("jdbc:h2:mem:sso-reseal");
                Statement s = c.createStatement()) {
            s.execute("CREATE TABLE team_sso (team VARCHAR(63) PRIMARY KEY, client_id VARCHAR(255),"
                    + " client_secret_sealed TEXT)");
            String sealed = old.seal("s3cr3t".getBytes(StandardCharsets.UTF_8), SsoService.aad("acme", "kl"));
            s.execute("INSERT INTO team_sso VALUES ('acme', 'kl', '" + sealed + "'), ('beta', 'x', NULL)");

            SsoSecretResealer resealer = new SsoSecretResealer();
            assertThat(resealer.reseal(c, rotating)).isEqualTo(1);
            assertThat(resealer.reseal(c, rotating))
                    .as("a second run changes nothing")
                    .isZero();

            try (ResultSet rs = s.executeQuery("SELECT client_secret_sealed FROM team_sso WHERE team = 'acme'")) {
                rs.next();
                String resealed = rs.getString(1);
                assertThat(new String(current.open(resealed, SsoService.aad("acme", "kl")), StandardCharsets.UTF_8))
                        .isEqualTo("s3cr3t");
                assertThatThrownBy(() -> old.open(resealed, SsoService.aad("acme", "kl")))
                        .as("no longer under the old key")
                        .isInstanceOf(RuntimeException.class);
            }
        }
    }
}

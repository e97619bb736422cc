package dev.keyless.service.sso;

import dev.keyless.service.sealing.Resealer;
import dev.keyless.service.sealing.SecretBox;
import dev.keyless.service.sso.SsoRepository.SealedSecret;
import jakarta.inject.Singleton;
import java.sql.Connection;
import java.sql.SQLException;

/** The SSO providers' client secrets' part of a master-key rotation: one per team that set one. */
@Singleton
final class SsoSecretResealer implements Resealer {
    @Override
    public String name() {
        return "sso_client_secrets";
    }

    @Override
    public int reseal(Connection c, SecretBox box) throws SQLException {
        int changed = 0;
        for (SealedSecret row : SsoRepository.sealedSecrets(c)) {
            String resealed = box.reseal(row.sealed(), SsoService.aad(row.team(), row.clientId()));
            if (resealed != null) {
                SsoRepository.reseal(c, row.team(), resealed);
                changed++;
            }
        }
        return changed;
    }
}

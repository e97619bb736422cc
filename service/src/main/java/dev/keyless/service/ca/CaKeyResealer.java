package dev.keyless.service.ca;

import dev.keyless.service.ca.CaKeyRepository.Sealed;
import dev.keyless.service.sealing.Resealer;
import dev.keyless.service.sealing.SecretBox;
import jakarta.inject.Singleton;
import java.sql.Connection;
import java.sql.SQLException;

/** The CA keys' part of a master-key rotation: every CA key, active or retired, of every team. */
@Singleton
final class CaKeyResealer implements Resealer {
    @Override
    public String name() {
        return "ca_keys";
    }

    @Override
    public int reseal(Connection c, SecretBox box) throws SQLException {
        int changed = 0;
        for (Sealed row : CaKeyRepository.all(c)) {
            String resealed = box.reseal(row.sealed(), CaService.aad(row.team(), row.kind(), row.keyId()));
            if (resealed != null) {
                CaKeyRepository.reseal(c, row, resealed);
                changed++;
            }
        }
        return changed;
    }
}

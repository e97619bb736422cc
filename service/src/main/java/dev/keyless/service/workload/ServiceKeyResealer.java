package dev.keyless.service.workload;

import dev.keyless.service.sealing.Resealer;
import dev.keyless.service.sealing.SecretBox;
import jakarta.inject.Singleton;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;

/** The service keys' part of a master-key rotation: the access-token signing key (sealed with its id as AAD). */
@Singleton
final class ServiceKeyResealer implements Resealer {
    @Override
    public String name() {
        return "service_keys";
    }

    @Override
    public int reseal(Connection c, SecretBox box) throws SQLException {
        int changed = 0;
        for (Map.Entry<String, String> row : ServiceKeyRepository.all(c)) {
            String resealed = box.reseal(row.getValue(), row.getKey());
            if (resealed != null) {
                ServiceKeyRepository.reseal(c, row.getKey(), resealed);
                changed++;
            }
        }
        return changed;
    }
}

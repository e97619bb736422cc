package dev.keyless.service.workload;

import dev.keyless.service.db.Db;
import dev.keyless.service.sealing.Resealer;
import dev.keyless.service.sealing.SecretBox;
import jakarta.inject.Singleton;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
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
        List<Map.Entry<String, String>> rows = Db.query(
                c,
                "SELECT key_id, sealed_private FROM service_key ORDER BY key_id",
                rs -> Map.entry(rs.getString(1), rs.getString(2)));
        int changed = 0;
        for (Map.Entry<String, String> row : rows) {
            String resealed = box.reseal(row.getValue(), row.getKey());
            if (resealed != null) {
                Db.update(c, "UPDATE service_key SET sealed_private = ? WHERE key_id = ?", resealed, row.getKey());
                changed++;
            }
        }
        return changed;
    }
}

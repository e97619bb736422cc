package dev.keyless.service.ca;

import dev.keyless.service.db.Db;
import dev.keyless.service.sealing.Resealer;
import dev.keyless.service.sealing.SecretBox;
import jakarta.inject.Singleton;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Locale;

/** The CA keys' part of a master-key rotation: every CA key, active or retired, of every team. */
@Singleton
final class CaKeyResealer implements Resealer {
    private record Sealed(String team, CaKind kind, String keyId, String sealed) {}

    @Override
    public String name() {
        return "ca_keys";
    }

    @Override
    public int reseal(Connection c, SecretBox box) throws SQLException {
        List<Sealed> rows = Db.query(
                c,
                "SELECT team, kind, key_id, sealed_private FROM ca_key ORDER BY team, kind, key_id",
                rs -> new Sealed(
                        rs.getString(1),
                        CaKind.valueOf(rs.getString(2).toUpperCase(Locale.ROOT)),
                        rs.getString(3),
                        rs.getString(4)));
        int changed = 0;
        for (Sealed row : rows) {
            String resealed = box.reseal(row.sealed(), CaService.aad(row.team(), row.kind(), row.keyId()));
            if (resealed != null) {
                Db.update(
                        c,
                        "UPDATE ca_key SET sealed_private = ? WHERE team = ? AND kind = ? AND key_id = ?",
                        resealed,
                        row.team(),
                        row.kind().column(),
                        row.keyId());
                changed++;
            }
        }
        return changed;
    }
}

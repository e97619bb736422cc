package dev.keyless.service.sso;

import dev.keyless.service.db.Db;
import dev.keyless.service.sealing.Resealer;
import dev.keyless.service.sealing.SecretBox;
import jakarta.inject.Singleton;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/** The SSO providers' client secrets' part of a master-key rotation: one per team that set one. */
@Singleton
final class SsoSecretResealer implements Resealer {
    private record Sealed(String team, String clientId, String sealed) {}

    @Override
    public String name() {
        return "sso_client_secrets";
    }

    @Override
    public int reseal(Connection c, SecretBox box) throws SQLException {
        List<Sealed> rows = Db.query(
                c,
                "SELECT team, client_id, client_secret_sealed FROM team_sso"
                        + " WHERE client_secret_sealed IS NOT NULL ORDER BY team",
                rs -> new Sealed(rs.getString(1), rs.getString(2), rs.getString(3)));
        int changed = 0;
        for (Sealed row : rows) {
            String resealed = box.reseal(row.sealed(), SsoService.aad(row.team(), row.clientId()));
            if (resealed != null) {
                Db.update(c, "UPDATE team_sso SET client_secret_sealed = ? WHERE team = ?", resealed, row.team());
                changed++;
            }
        }
        return changed;
    }
}

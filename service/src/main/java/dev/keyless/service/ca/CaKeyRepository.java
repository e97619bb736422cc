package dev.keyless.service.ca;

import dev.keyless.service.db.Db;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Locale;

/** The {@code ca_key} table: each team's user and host CA keys, the private halves sealed. */
final class CaKeyRepository {
    private CaKeyRepository() {}

    /** An active key of one team and kind. */
    record Row(String keyId, String publicKey, String sealed, long createdAt) {}

    /** A key of any team, kind and state, for a master-key rotation. */
    record Sealed(String team, CaKind kind, String keyId, String sealed) {}

    static List<Row> active(Connection c, String team, CaKind kind) throws SQLException {
        return Db.query(
                c,
                "SELECT key_id, public_key, sealed_private, created_at FROM ca_key WHERE team = ? AND kind = ? AND"
                        + " active = ? ORDER BY created_at",
                rs -> new Row(rs.getString(1), rs.getString(2), rs.getString(3), rs.getLong(4)),
                team,
                kind.column(),
                true);
    }

    static void insert(
            Connection c, String team, CaKind kind, String keyId, String publicKey, String sealed, long createdAt)
            throws SQLException {
        Db.insertIfAbsent(
                c,
                "INSERT INTO ca_key (team, kind, key_id, public_key, sealed_private, active, created_at) VALUES (?, ?,"
                        + " ?, ?, ?, ?, ?)",
                team,
                kind.column(),
                keyId,
                publicKey,
                sealed,
                true,
                createdAt);
    }

    static void retire(Connection c, String team, CaKind kind, String keyId) throws SQLException {
        Db.update(
                c,
                "UPDATE ca_key SET active = ? WHERE team = ? AND kind = ? AND key_id = ?",
                false,
                team,
                kind.column(),
                keyId);
    }

    static List<Sealed> all(Connection c) throws SQLException {
        return Db.query(
                c,
                "SELECT team, kind, key_id, sealed_private FROM ca_key ORDER BY team, kind, key_id",
                rs -> new Sealed(
                        rs.getString(1),
                        CaKind.valueOf(rs.getString(2).toUpperCase(Locale.ROOT)),
                        rs.getString(3),
                        rs.getString(4)));
    }

    static void reseal(Connection c, Sealed row, String resealed) throws SQLException {
        Db.update(
                c,
                "UPDATE ca_key SET sealed_private = ? WHERE team = ? AND kind = ? AND key_id = ?",
                resealed,
                row.team(),
                row.kind().column(),
                row.keyId());
    }
}

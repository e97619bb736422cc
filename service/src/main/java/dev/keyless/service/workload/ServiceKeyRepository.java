package dev.keyless.service.workload;

import dev.keyless.service.db.Db;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The {@code service_key} table: the service's own signing keys, sealed with their id as AAD. */
final class ServiceKeyRepository {
    private ServiceKeyRepository() {}

    static Optional<String> sealed(Connection c, String keyId) throws SQLException {
        return Db.queryOne(c, "SELECT sealed_private FROM service_key WHERE key_id = ?", rs -> rs.getString(1), keyId);
    }

    /** False if the key exists (another replica stored it first). */
    static boolean insertIfAbsent(Connection c, String keyId, String purpose, String sealed, Instant now)
            throws SQLException {
        return Db.insertIfAbsent(
                c,
                "INSERT INTO service_key (key_id, purpose, sealed_private, created_at) VALUES (?, ?, ?, ?)",
                keyId,
                purpose,
                sealed,
                now);
    }

    /** Key id to sealed private key, every key. */
    static List<Map.Entry<String, String>> all(Connection c) throws SQLException {
        return Db.query(
                c,
                "SELECT key_id, sealed_private FROM service_key ORDER BY key_id",
                rs -> Map.entry(rs.getString(1), rs.getString(2)));
    }

    static void reseal(Connection c, String keyId, String sealed) throws SQLException {
        Db.update(c, "UPDATE service_key SET sealed_private = ? WHERE key_id = ?", sealed, keyId);
    }
}

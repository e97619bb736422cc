package dev.keyless.service.secrets;

import dev.keyless.protocol.SecretRequests.FolderView;
import dev.keyless.service.db.Db;
import dev.keyless.service.db.Json;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The SQL of folders, secrets and versions; every method runs in the caller's transaction. */
final class SecretRepository {
    private static final String SECRET_COLUMNS = "s.team, s.path, s.name, s.latest_version, v.encoding,"
            + " s.description, s.labels, s.created_by, s.created_at, s.updated_by, s.updated_at, s.deleted_at";
    private static final String SECRET_FROM = " FROM secret s LEFT JOIN secret_version v ON v.team = s.team"
            + " AND v.path = s.path AND v.name = s.name AND v.version = s.latest_version";

    private SecretRepository() {}

    static boolean insertFolder(Connection c, String team, String path, String by, Instant now) throws SQLException {
        return Db.insertIfAbsent(
                c,
                "INSERT INTO secret_folder (team, path, created_by, created_at) VALUES (?, ?, ?, ?)",
                team,
                path,
                by,
                now);
    }

    static boolean folderExists(Connection c, String team, String path) throws SQLException {
        return Db.queryOne(c, "SELECT 1 FROM secret_folder WHERE team = ? AND path = ?", rs -> Boolean.TRUE, team, path)
                .isPresent();
    }

    static List<FolderView> folders(Connection c, String team) throws SQLException {
        return Db.query(
                c,
                "SELECT path, created_by, created_at FROM secret_folder WHERE team = ? ORDER BY path",
                rs -> new FolderView(rs.getString(1), rs.getString(2), Db.instant(rs, "created_at")),
                team);
    }

    /** Whether the folder holds secrets (deleted ones included) or subfolders. */
    static boolean folderInUse(Connection c, String team, String path) throws SQLException {
        boolean secrets = Db.queryOne(c, "SELECT 1 FROM secret WHERE team = ? AND path = ?", rs -> true, team, path)
                .isPresent();
        boolean children = Db.queryOne(
                        c,
                        "SELECT 1 FROM secret_folder WHERE team = ? AND path LIKE ?",
                        rs -> true,
                        team,
                        likePrefix(path))
                .isPresent();
        return secrets || children;
    }

    static int deleteFolder(Connection c, String team, String path) throws SQLException {
        return Db.update(c, "DELETE FROM secret_folder WHERE team = ? AND path = ?", team, path);
    }

    static Optional<StoredSecret> secret(Connection c, String team, String path, String name, boolean forUpdate)
            throws SQLException {
        return Db.queryOne(
                c,
                "SELECT " + SECRET_COLUMNS + SECRET_FROM + " WHERE s.team = ? AND s.path = ? AND s.name = ?"
                        + (forUpdate ? " FOR UPDATE" : ""),
                SecretRepository::secret,
                team,
                path,
                name);
    }

    /** Secrets in {@code path} or below it (all of the team's when null), by path and name. */
    static List<StoredSecret> secretsWithin(Connection c, String team, String path, boolean withDeleted)
            throws SQLException {
        String deleted = withDeleted ? "" : " AND s.deleted_at IS NULL";
        if (path == null) {
            return Db.query(
                    c,
                    "SELECT " + SECRET_COLUMNS + SECRET_FROM + " WHERE s.team = ?" + deleted
                            + " ORDER BY s.path, s.name",
                    SecretRepository::secret,
                    team);
        }
        return Db.query(
                c,
                "SELECT " + SECRET_COLUMNS + SECRET_FROM + " WHERE s.team = ? AND (s.path = ? OR s.path LIKE ?)"
                        + deleted + " ORDER BY s.path, s.name",
                SecretRepository::secret,
                team,
                path,
                likePrefix(path));
    }

    /** False when the name is taken. */
    static boolean insertSecret(Connection c, StoredSecret s) throws SQLException {
        return Db.insertIfAbsent(
                c,
                "INSERT INTO secret (team, path, name, latest_version, description, labels, created_by, created_at,"
                        + " updated_by, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                s.team(),
                s.folder(),
                s.name(),
                s.latestVersion(),
                s.description(),
                Json.write(s.labels()),
                s.createdBy(),
                s.createdAt(),
                s.updatedBy(),
                s.updatedAt());
    }

    static void updateSecret(Connection c, StoredSecret s) throws SQLException {
        Db.update(
                c,
                "UPDATE secret SET latest_version = ?, description = ?, labels = ?, updated_by = ?, updated_at = ?,"
                        + " deleted_at = ?, deleted_by = ? WHERE team = ? AND path = ? AND name = ?",
                s.latestVersion(),
                s.description(),
                Json.write(s.labels()),
                s.updatedBy(),
                s.updatedAt(),
                s.deletedAt(),
                s.deletedAt() == null ? null : s.updatedBy(),
                s.team(),
                s.folder(),
                s.name());
    }

    /** Removes a secret and every version of it, for good. */
    static void purge(Connection c, String team, String path, String name) throws SQLException {
        Db.update(c, "DELETE FROM secret_version WHERE team = ? AND path = ? AND name = ?", team, path, name);
        Db.update(c, "DELETE FROM secret WHERE team = ? AND path = ? AND name = ?", team, path, name);
    }

    static void insertVersion(
            Connection c, SecretCoordinates at, String encoding, SealedValue sealed, String by, Instant now)
            throws SQLException {
        Db.update(
                c,
                "INSERT INTO secret_version (team, path, name, version, encoding, sealed_key, sealed_value,"
                        + " created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                at.team(),
                at.folder(),
                at.name(),
                at.version(),
                encoding,
                sealed.sealedKey(),
                sealed.sealedValue(),
                by,
                now);
    }

    static Optional<StoredVersion> version(Connection c, SecretCoordinates at) throws SQLException {
        return Db.queryOne(
                c,
                "SELECT version, encoding, sealed_key, sealed_value, created_by, created_at, destroyed_at"
                        + " FROM secret_version WHERE team = ? AND path = ? AND name = ? AND version = ?",
                SecretRepository::version,
                at.team(),
                at.folder(),
                at.name(),
                at.version());
    }

    static List<StoredVersion> versions(Connection c, String team, String path, String name) throws SQLException {
        return Db.query(
                c,
                "SELECT version, encoding, NULL AS sealed_key, NULL AS sealed_value, created_by, created_at,"
                        + " destroyed_at FROM secret_version WHERE team = ? AND path = ? AND name = ? ORDER BY version",
                SecretRepository::version,
                team,
                path,
                name);
    }

    static int destroy(Connection c, SecretCoordinates at, Instant now) throws SQLException {
        return Db.update(
                c,
                "UPDATE secret_version SET sealed_key = NULL, sealed_value = NULL, destroyed_at = ?"
                        + " WHERE team = ? AND path = ? AND name = ? AND version = ? AND destroyed_at IS NULL",
                now,
                at.team(),
                at.folder(),
                at.name(),
                at.version());
    }

    /** Every live sealed data key, for a master-key rotation. */
    static List<Map.Entry<SecretCoordinates, String>> sealedKeys(Connection c) throws SQLException {
        return Db.query(
                c,
                "SELECT team, path, name, version, sealed_key FROM secret_version WHERE sealed_key IS NOT NULL"
                        + " ORDER BY team, path, name, version",
                rs -> Map.entry(
                        new SecretCoordinates(rs.getString(1), rs.getString(2), rs.getString(3), rs.getLong(4)),
                        rs.getString(5)));
    }

    static void updateSealedKey(Connection c, SecretCoordinates at, String sealedKey) throws SQLException {
        Db.update(
                c,
                "UPDATE secret_version SET sealed_key = ? WHERE team = ? AND path = ? AND name = ? AND version = ?",
                sealedKey,
                at.team(),
                at.folder(),
                at.name(),
                at.version());
    }

    /** {@code path/%}: the folder names' grammar has no LIKE metacharacter but {@code _}, escaped here. */
    private static String likePrefix(String path) {
        return path.replace("\\", "\\\\").replace("_", "\\_").replace("%", "\\%") + "/%";
    }

    private static StoredSecret secret(ResultSet rs) throws SQLException {
        return new StoredSecret(
                rs.getString(1),
                rs.getString(2),
                rs.getString(3),
                rs.getLong(4),
                rs.getString(5),
                rs.getString(6),
                Map.copyOf(Json.readStringMap(rs.getString(7))),
                rs.getString(8),
                Db.instant(rs, "created_at"),
                rs.getString(10),
                Db.instant(rs, "updated_at"),
                Db.instant(rs, "deleted_at"));
    }

    private static StoredVersion version(ResultSet rs) throws SQLException {
        String key = rs.getString("sealed_key");
        String value = rs.getString("sealed_value");
        SealedValue sealed = key == null || value == null ? null : new SealedValue(key, value);
        return new StoredVersion(
                rs.getLong("version"),
                rs.getString("encoding"),
                sealed,
                rs.getString("created_by"),
                Db.instant(rs, "created_at"),
                Db.instant(rs, "destroyed_at"));
    }
}

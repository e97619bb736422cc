package dev.keyless.service.connection;

import dev.keyless.service.db.Db;
import dev.keyless.service.db.Json;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;

/** The {@code connection_change} table: at most one pending change per connection. */
final class ConnectionChangeRepository {
    private static final String COLUMNS = "team, connection, settings, content_hash, proposed_by, proposed_at";

    private ConnectionChangeRepository() {}

    static Optional<ConnectionChange> find(Connection c, String team, String connection) throws SQLException {
        return Db.queryOne(
                c,
                "SELECT " + COLUMNS + " FROM connection_change WHERE team = ? AND connection = ?",
                ConnectionChangeRepository::map,
                team,
                connection);
    }

    static List<ConnectionChange> all(Connection c, String team) throws SQLException {
        return Db.query(
                c,
                "SELECT " + COLUMNS + " FROM connection_change WHERE team = ?",
                ConnectionChangeRepository::map,
                team);
    }

    /** Stores the change, replacing an earlier proposal for the same connection. */
    static void put(Connection c, ConnectionChange change) throws SQLException {
        delete(c, change.team(), change.connection());
        Db.update(
                c,
                "INSERT INTO connection_change (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?)",
                change.team(),
                change.connection(),
                Json.write(change.settings().content()),
                change.contentHash(),
                change.proposedBy(),
                change.proposedAt());
    }

    static boolean delete(Connection c, String team, String connection) throws SQLException {
        return Db.update(c, "DELETE FROM connection_change WHERE team = ? AND connection = ?", team, connection) > 0;
    }

    private static ConnectionChange map(ResultSet rs) throws SQLException {
        ConnectionSettings settings = ConnectionSettings.fromContent(Json.readMap(rs.getString("settings")));
        String hash = rs.getString("content_hash");
        if (!settings.contentHash().equals(hash)) {
            // Fails closed: what would be approved must be exactly what was proposed and shown.
            throw new IllegalStateException("a stored connection change does not match its content hash");
        }
        return new ConnectionChange(
                rs.getString("team"),
                rs.getString("connection"),
                settings,
                hash,
                rs.getString("proposed_by"),
                Db.instant(rs, "proposed_at"));
    }
}

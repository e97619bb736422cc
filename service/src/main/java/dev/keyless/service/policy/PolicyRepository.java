package dev.keyless.service.policy;

import dev.keyless.service.db.Db;
import dev.keyless.service.db.Json;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** The {@code policy} table: each policy's spec as JSON. */
final class PolicyRepository {
    private PolicyRepository() {}

    /** A stored spec and when it last changed. */
    record Row(String spec, Instant updatedAt) {}

    static List<Row> all(Connection c, String team) throws SQLException {
        return Db.query(
                c,
                "SELECT spec, updated_at FROM policy WHERE team = ? ORDER BY name",
                rs -> new Row(rs.getString(1), Db.instant(rs, "updated_at")),
                team);
    }

    static Optional<Row> find(Connection c, String team, String name) throws SQLException {
        return Db.queryOne(
                c,
                "SELECT spec, updated_at FROM policy WHERE team = ? AND name = ?",
                rs -> new Row(rs.getString(1), Db.instant(rs, "updated_at")),
                team,
                name);
    }

    /** False if the name is taken. */
    static boolean insert(Connection c, String team, String name, Object spec, Instant now) throws SQLException {
        return Db.insertIfAbsent(
                c,
                "INSERT INTO policy (team, name, spec, updated_at) VALUES (?, ?, ?, ?)",
                team,
                name,
                Json.write(spec),
                now);
    }

    static void update(Connection c, String team, String name, Object spec, Instant now) throws SQLException {
        Db.update(
                c,
                "UPDATE policy SET spec = ?, updated_at = ? WHERE team = ? AND name = ?",
                Json.write(spec),
                now,
                team,
                name);
    }

    static void delete(Connection c, String team, String name) throws SQLException {
        Db.update(c, "DELETE FROM policy WHERE team = ? AND name = ?", team, name);
    }
}

package dev.keyless.service.team;

import dev.keyless.service.db.Db;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** The {@code team} table: team names and configuration versions. */
final class TeamRepository {
    private TeamRepository() {}

    static Optional<Long> configVersion(Connection c, String team) throws SQLException {
        return Db.queryOne(c, "SELECT config_version FROM team WHERE name = ?", rs -> rs.getLong(1), team);
    }

    static int bumpConfigVersion(Connection c, String team) throws SQLException {
        return Db.update(c, "UPDATE team SET config_version = config_version + 1 WHERE name = ?", team);
    }

    static boolean insertIfAbsent(Connection c, String team, Instant now) throws SQLException {
        return Db.insertIfAbsent(c, "INSERT INTO team (name, config_version, created_at) VALUES (?, 1, ?)", team, now);
    }

    /** Locks the team's row until the transaction ends; false if there is no such team. */
    static boolean lock(Connection c, String team) throws SQLException {
        return Db.queryOne(c, "SELECT name FROM team WHERE name = ? FOR UPDATE", rs -> rs.getString(1), team)
                .isPresent();
    }

    static List<String> names(Connection c) throws SQLException {
        return Db.query(c, "SELECT name FROM team ORDER BY name", rs -> rs.getString(1));
    }
}

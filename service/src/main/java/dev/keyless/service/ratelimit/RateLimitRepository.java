package dev.keyless.service.ratelimit;

import dev.keyless.service.db.Db;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Optional;

/** The {@code team_rate_limit} table. */
final class RateLimitRepository {
    private RateLimitRepository() {}

    static Optional<RateLimitSettings> find(Connection c, String team) throws SQLException {
        return Db.queryOne(
                c,
                "SELECT per_connection, per_client_ip FROM team_rate_limit WHERE team = ?",
                rs -> new RateLimitSettings(rs.getInt(1), rs.getInt(2)),
                team);
    }

    static void put(Connection c, String team, RateLimitSettings s, Instant now) throws SQLException {
        if (Db.update(
                        c,
                        "UPDATE team_rate_limit SET per_connection = ?, per_client_ip = ?, updated_at = ? WHERE team = ?",
                        s.perConnection(),
                        s.perClientIp(),
                        now,
                        team)
                == 0) {
            Db.update(
                    c,
                    "INSERT INTO team_rate_limit (team, per_connection, per_client_ip, updated_at) VALUES (?, ?, ?, ?)",
                    team,
                    s.perConnection(),
                    s.perClientIp(),
                    now);
        }
    }
}

package dev.keyless.service.db;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * Monotonic generation numbers per (team, kind, name) that outlive the named thing, so that a
 * deleted and re-created role or connection never revives tokens issued under the earlier one.
 */
public final class Generations {
    private Generations() {}

    /** Advances and returns the generation, inside the caller's transaction. */
    public static long next(Connection c, String team, String kind, String name) throws SQLException {
        int updated = Db.update(
                c,
                "UPDATE generation_counter SET generation = generation + 1 WHERE team = ? AND kind = ? AND name = ?",
                team,
                kind,
                name);
        if (updated == 0
                && !Db.insertIfAbsent(
                        c,
                        "INSERT INTO generation_counter (team, kind, name, generation) VALUES (?, ?, ?, 1)",
                        team,
                        kind,
                        name)) {
            return next(c, team, kind, name);
        }
        return Db.queryOne(
                        c,
                        "SELECT generation FROM generation_counter WHERE team = ? AND kind = ? AND name = ?",
                        rs -> rs.getLong(1),
                        team,
                        kind,
                        name)
                .orElseThrow();
    }
}

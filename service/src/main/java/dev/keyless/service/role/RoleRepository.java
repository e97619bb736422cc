package dev.keyless.service.role;

import dev.keyless.service.claims.ClaimConditions;
import dev.keyless.service.db.Db;
import dev.keyless.service.db.Json;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Optional;

final class RoleRepository {
    private RoleRepository() {}

    static List<WorkloadRole> all(Connection c, String team) throws SQLException {
        return Db.query(
                c,
                "SELECT team, name, connection, claims, generation, updated_at FROM workload_role WHERE team = ?"
                        + " ORDER BY name",
                RoleRepository::map,
                team);
    }

    static Optional<WorkloadRole> find(Connection c, String team, String name) throws SQLException {
        return Db.queryOne(
                c,
                "SELECT team, name, connection, claims, generation, updated_at FROM workload_role WHERE team = ? AND"
                        + " name = ? FOR UPDATE",
                RoleRepository::map,
                team,
                name);
    }

    static boolean insert(Connection c, WorkloadRole r) throws SQLException {
        return Db.insertIfAbsent(
                c,
                "INSERT INTO workload_role (team, name, connection, claims, generation, updated_at) VALUES (?, ?, ?, ?,"
                        + " ?, ?)",
                r.team(),
                r.name(),
                r.connection(),
                Json.write(r.claims()),
                r.generation(),
                r.updatedAt());
    }

    static void update(Connection c, WorkloadRole r) throws SQLException {
        Db.update(
                c,
                "UPDATE workload_role SET connection = ?, claims = ?, generation = ?, updated_at = ? WHERE team = ? AND"
                        + " name = ?",
                r.connection(),
                Json.write(r.claims()),
                r.generation(),
                r.updatedAt(),
                r.team(),
                r.name());
    }

    static void delete(Connection c, String team, String name) throws SQLException {
        Db.update(c, "DELETE FROM workload_role WHERE team = ? AND name = ?", team, name);
    }

    private static WorkloadRole map(ResultSet rs) throws SQLException {
        Map<String, Object> claims = Json.readMap(rs.getString("claims"));
        return new WorkloadRole(
                rs.getString("team"),
                rs.getString("name"),
                rs.getString("connection"),
                claims,
                ClaimConditions.parse(claims),
                rs.getLong("generation"),
                Db.instant(rs, "updated_at"));
    }

    static long countUsing(Connection c, String team, String connection) throws SQLException {
        return Db.queryOne(
                        c,
                        "SELECT COUNT(*) FROM workload_role WHERE team = ? AND connection = ?",
                        rs -> rs.getLong(1),
                        team,
                        connection)
                .orElse(0L);
    }

    static boolean lock(Connection c, String team, String name) throws SQLException {
        return Db.queryOne(
                        c,
                        "SELECT name FROM workload_role WHERE team = ? AND name = ? FOR UPDATE",
                        rs -> rs.getString(1),
                        team,
                        name)
                .isPresent();
    }

    static void setGeneration(Connection c, String team, String name, long generation) throws SQLException {
        Db.update(c, "UPDATE workload_role SET generation = ? WHERE team = ? AND name = ?", generation, team, name);
    }
}

package dev.keyless.service.server;

import dev.keyless.service.db.Db;
import dev.keyless.service.db.Json;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;

/** The {@code server} table: a team's target servers, their addresses and labels. */
final class ServerRepository {
    private static final String SELECT = "SELECT team, name, address, port, labels, created_at FROM server";

    private ServerRepository() {}

    static Optional<TargetServer> find(Connection c, String team, String name) throws SQLException {
        return Db.queryOne(c, SELECT + " WHERE team = ? AND name = ?", ServerRepository::map, team, name);
    }

    static Optional<TargetServer> lock(Connection c, String team, String name) throws SQLException {
        return Db.queryOne(c, SELECT + " WHERE team = ? AND name = ? FOR UPDATE", ServerRepository::map, team, name);
    }

    static List<TargetServer> all(Connection c, String team) throws SQLException {
        return Db.query(c, SELECT + " WHERE team = ? ORDER BY name", ServerRepository::map, team);
    }

    /** False if the name is taken. */
    static boolean insert(Connection c, TargetServer server) throws SQLException {
        return Db.insertIfAbsent(
                c,
                "INSERT INTO server (team, name, address, port, labels, created_at) VALUES (?, ?, ?, ?, ?, ?)",
                server.team(),
                server.name(),
                server.address(),
                server.port(),
                Json.write(server.labels()),
                server.createdAt());
    }

    static void update(Connection c, TargetServer server) throws SQLException {
        Db.update(
                c,
                "UPDATE server SET address = ?, port = ?, labels = ? WHERE team = ? AND name = ?",
                server.address(),
                server.port(),
                Json.write(server.labels()),
                server.team(),
                server.name());
    }

    /** False if there was no such server. */
    static boolean delete(Connection c, String team, String name) throws SQLException {
        return Db.update(c, "DELETE FROM server WHERE team = ? AND name = ?", team, name) == 1;
    }

    private static TargetServer map(ResultSet rs) throws SQLException {
        return new TargetServer(
                rs.getString("team"),
                rs.getString("name"),
                rs.getString("address"),
                rs.getInt("port"),
                Json.readStringMap(rs.getString("labels")),
                Db.instant(rs, "created_at"));
    }
}

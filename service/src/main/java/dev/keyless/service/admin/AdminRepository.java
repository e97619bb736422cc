package dev.keyless.service.admin;

import dev.keyless.protocol.AdminRequests.AdminView;
import dev.keyless.protocol.AdminRole;
import dev.keyless.service.db.Db;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** The {@code admin} table: a team's admins, their roles and owners. */
final class AdminRepository {
    private AdminRepository() {}

    static List<AdminView> list(Connection c, String team) throws SQLException {
        return Db.query(
                c,
                "SELECT name, role, owner, created_by, created_at FROM admin WHERE team = ? ORDER BY name",
                rs -> new AdminView(
                        rs.getString("name"),
                        AdminRole.valueOf(rs.getString("role")).wireName(),
                        rs.getString("owner"),
                        rs.getString("created_by"),
                        Db.instant(rs, "created_at")),
                team);
    }

    static Optional<AdminFacts> facts(Connection c, String team, String name) throws SQLException {
        return Db.queryOne(
                c,
                "SELECT name, role, owner, created_at FROM admin WHERE team = ? AND name = ?",
                rs -> new AdminFacts(
                        rs.getString("name"),
                        AdminRole.valueOf(rs.getString("role")),
                        rs.getString("owner"),
                        Db.instant(rs, "created_at")),
                team,
                name);
    }

    static long count(Connection c, String team, AdminRole role) throws SQLException {
        return Db.queryOne(
                        c,
                        "SELECT COUNT(*) FROM admin WHERE team = ? AND role = ?",
                        rs -> rs.getLong(1),
                        team,
                        role.name())
                .orElse(0L);
    }

    /** False if the name is taken. */
    static boolean insert(
            Connection c, String team, String name, AdminRole role, String createdBy, Instant createdAt, String owner)
            throws SQLException {
        return Db.insertIfAbsent(
                c,
                "INSERT INTO admin (team, name, role, created_by, created_at, owner) VALUES (?, ?, ?, ?, ?, ?)",
                team,
                name,
                role.name(),
                createdBy,
                createdAt,
                owner);
    }
}

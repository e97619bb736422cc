package dev.keyless.service.admin;

import dev.keyless.service.db.Db;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Optional;

/** The {@code admin_session} table: browser sessions of admins, by the hash of their cookie. */
final class AdminSessionRepository {
    private AdminSessionRepository() {}

    static void insert(Connection c, String idHash, AdminSession s) throws SQLException {
        Db.update(
                c,
                "INSERT INTO admin_session (id_hash, team, admin, csrf_token, created_at, last_seen_at, expires_at)"
                        + " VALUES (?, ?, ?, ?, ?, ?, ?)",
                idHash,
                s.team(),
                s.admin(),
                s.csrfToken(),
                s.createdAt(),
                s.lastSeenAt(),
                s.expiresAt());
    }

    /** The live-or-not session with its admin's current role (an enum name). */
    static Optional<Found> find(Connection c, String idHash) throws SQLException {
        return Db.queryOne(
                c,
                "SELECT s.team, s.admin, s.csrf_token, s.created_at, s.last_seen_at, s.expires_at, s.ended_at, a.role"
                        + " FROM admin_session s JOIN admin a ON a.team = s.team AND a.name = s.admin"
                        + " WHERE s.id_hash = ?",
                rs -> new Found(
                        new AdminSession(
                                rs.getString("team"),
                                rs.getString("admin"),
                                rs.getString("csrf_token"),
                                Db.instant(rs, "created_at"),
                                Db.instant(rs, "last_seen_at"),
                                Db.instant(rs, "expires_at"),
                                Db.instant(rs, "ended_at")),
                        rs.getString("role")),
                idHash);
    }

    static void touch(Connection c, String idHash, Instant now) throws SQLException {
        Db.update(
                c,
                "UPDATE admin_session SET last_seen_at = ? WHERE id_hash = ? AND last_seen_at < ?",
                now,
                idHash,
                now);
    }

    /** False if it had ended already. */
    static boolean end(Connection c, String idHash, Instant now) throws SQLException {
        return Db.update(c, "UPDATE admin_session SET ended_at = ? WHERE id_hash = ? AND ended_at IS NULL", now, idHash)
                == 1;
    }

    record Found(AdminSession session, String role) {}
}

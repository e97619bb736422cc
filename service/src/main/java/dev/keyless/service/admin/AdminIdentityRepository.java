package dev.keyless.service.admin;

import dev.keyless.service.db.Db;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Optional;

/** The {@code admin_identity} table: which admin an SSO person (issuer and subject) is. */
final class AdminIdentityRepository {
    private AdminIdentityRepository() {}

    static Optional<String> admin(Connection c, String team, String subjectHash) throws SQLException {
        return Db.queryOne(
                c,
                "SELECT admin FROM admin_identity WHERE team = ? AND subject_hash = ?",
                rs -> rs.getString(1),
                team,
                subjectHash);
    }

    static boolean insert(
            Connection c, String team, String admin, String subjectHash, String issuer, String subject, Instant now)
            throws SQLException {
        return Db.insertIfAbsent(
                c,
                "INSERT INTO admin_identity (team, admin, subject_hash, issuer, subject, created_at)"
                        + " VALUES (?, ?, ?, ?, ?, ?)",
                team,
                admin,
                subjectHash,
                issuer,
                subject,
                now);
    }

    static void setRole(Connection c, String team, String admin, String role) throws SQLException {
        Db.update(c, "UPDATE admin SET role = ? WHERE team = ? AND name = ?", role, team, admin);
    }
}

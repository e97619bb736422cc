package dev.keyless.service.agent;

import dev.keyless.service.db.Db;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Optional;

/** The {@code enrollment_token} table: SHA-256 hashes of one-time enrolment tokens. */
final class EnrollmentTokenRepository {
    private EnrollmentTokenRepository() {}

    static void insert(Connection c, String tokenHash, String team, String server, String createdBy, Instant expires)
            throws SQLException {
        Db.update(
                c,
                "INSERT INTO enrollment_token (token_hash, team, server, created_by, expires_at) VALUES (?, ?, ?, ?, ?)",
                tokenHash,
                team,
                server,
                createdBy,
                expires);
    }

    /** The server an unused, unexpired token is for, its row locked until the transaction ends. */
    static Optional<String> lockUnused(Connection c, String tokenHash, String team, Instant now) throws SQLException {
        return Db.queryOne(
                c,
                "SELECT server FROM enrollment_token WHERE token_hash = ? AND team = ? AND used_at IS NULL"
                        + " AND expires_at > ? FOR UPDATE",
                rs -> rs.getString(1),
                tokenHash,
                team,
                now);
    }

    static void markUsed(Connection c, String tokenHash, Instant now) throws SQLException {
        Db.update(c, "UPDATE enrollment_token SET used_at = ? WHERE token_hash = ?", now, tokenHash);
    }
}

package dev.keyless.service.session;

import dev.keyless.protocol.SessionState;
import dev.keyless.service.db.Db;
import dev.keyless.service.db.Json;
import dev.keyless.service.metrics.Sample;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

final class SessionRepository {
    private static final String COLUMNS = "id, team, connection, role, server, principal, serial, state, subject,"
            + " access_token_id, sudo, valid_after, valid_before, created_at, closed_at, reason";

    private SessionRepository() {}

    static void insert(Connection c, SshSession s) throws SQLException {
        Db.update(
                c,
                "INSERT INTO ssh_session (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                s.id(),
                s.team(),
                s.connection(),
                s.role(),
                s.server(),
                s.principal(),
                s.serial(),
                s.state(),
                s.subject(),
                s.accessTokenId(),
                Json.write(s.sudo()),
                s.validAfter(),
                s.validBefore(),
                s.createdAt(),
                s.closedAt(),
                s.reason());
    }

    static Optional<SshSession> find(Connection c, String team, String id, boolean forUpdate) throws SQLException {
        return Db.queryOne(
                c,
                "SELECT " + COLUMNS + " FROM ssh_session WHERE id = ? AND team = ?" + (forUpdate ? " FOR UPDATE" : ""),
                SessionRepository::map,
                id,
                team);
    }

    static long countLive(Connection c, String team, String role, Instant now) throws SQLException {
        return Db.queryOne(
                        c,
                        "SELECT COUNT(*) FROM ssh_session WHERE team = ? AND role = ? AND state IN ('PENDING', 'READY')"
                                + " AND valid_before > ?",
                        rs -> rs.getLong(1),
                        team,
                        role,
                        now)
                .orElse(0L);
    }

    static List<SshSession> live(Connection c, String team, Instant now) throws SQLException {
        return Db.query(
                c,
                "SELECT " + COLUMNS + " FROM ssh_session WHERE team = ? AND state IN ('PENDING', 'READY') AND"
                        + " valid_before > ? ORDER BY created_at",
                SessionRepository::map,
                team,
                now);
    }

    /** Live sessions on one server (index {@code ssh_session_server}), oldest first. */
    static List<SshSession> liveOn(Connection c, String team, String server, Instant now) throws SQLException {
        return Db.query(
                c,
                "SELECT " + COLUMNS
                        + " FROM ssh_session WHERE team = ? AND server = ? AND state IN ('PENDING', 'READY')"
                        + " AND valid_before > ? ORDER BY created_at",
                SessionRepository::map,
                team,
                server,
                now);
    }

    /** The ids of {@link #liveOn}: what the agent's live-session digest covers. */
    static List<String> liveIdsOn(Connection c, String team, String server, Instant now) throws SQLException {
        return Db.query(
                c,
                "SELECT id FROM ssh_session WHERE team = ? AND server = ? AND state IN ('PENDING', 'READY')"
                        + " AND valid_before > ?",
                rs -> rs.getString(1),
                team,
                server,
                now);
    }

    /** Sessions of every team still recorded as live although their certificate has ended. */
    static List<SshSession> expiredButLive(Connection c, Instant now) throws SQLException {
        return Db.query(
                c,
                "SELECT " + COLUMNS + " FROM ssh_session WHERE state IN ('PENDING', 'READY') AND valid_before <= ?"
                        + " ORDER BY valid_before",
                SessionRepository::map,
                now);
    }

    static void end(Connection c, String id, SessionState state, Instant at, String reason) throws SQLException {
        Db.update(c, "UPDATE ssh_session SET state = ?, closed_at = ?, reason = ? WHERE id = ?", state, at, reason, id);
    }

    static void setState(Connection c, String id, SessionState state) throws SQLException {
        Db.update(c, "UPDATE ssh_session SET state = ? WHERE id = ?", state, id);
    }

    /** Sessions not ended yet, per team and state, for the gauge. */
    static List<Sample> liveCounts(Connection c) throws SQLException {
        return Db.query(
                c,
                "SELECT team, state, COUNT(*) FROM ssh_session WHERE state IN ('PENDING', 'READY') GROUP BY team, state",
                rs -> new Sample(
                        "keyless.sessions", Map.of("team", rs.getString(1), "state", rs.getString(2)), rs.getLong(3)));
    }

    /** A serial sshd must refuse until {@code expiresAt} (table {@code revoked_serial}). */
    static void revokeSerial(Connection c, SshSession s, Instant revokedAt, Instant expiresAt) throws SQLException {
        Db.insertIfAbsent(
                c,
                "INSERT INTO revoked_serial (team, serial, session_id, revoked_at, expires_at) VALUES (?, ?, ?, ?, ?)",
                s.team(),
                s.serial(),
                s.id(),
                revokedAt,
                expiresAt);
    }

    static List<String> revokedSerials(Connection c, String team, Instant now) throws SQLException {
        return Db.query(
                c,
                "SELECT serial FROM revoked_serial WHERE team = ? AND expires_at > ? ORDER BY serial",
                rs -> rs.getString(1),
                team,
                now);
    }

    private static SshSession map(ResultSet rs) throws SQLException {
        return new SshSession(
                rs.getString("id"),
                rs.getString("team"),
                rs.getString("connection"),
                rs.getString("role"),
                rs.getString("server"),
                rs.getString("principal"),
                rs.getString("serial"),
                SessionState.valueOf(rs.getString("state")),
                rs.getString("subject"),
                rs.getString("access_token_id"),
                Json.readStrings(rs.getString("sudo")),
                Db.instant(rs, "valid_after"),
                Db.instant(rs, "valid_before"),
                Db.instant(rs, "created_at"),
                Db.instant(rs, "closed_at"),
                rs.getString("reason"));
    }
}

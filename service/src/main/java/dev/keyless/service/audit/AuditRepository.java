package dev.keyless.service.audit;

import dev.keyless.protocol.AuditRequests.AuditEvent;
import dev.keyless.service.db.Db;
import dev.keyless.service.db.Json;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Audit rows. The head row per team is the lock that orders writers across replicas. */
final class AuditRepository {
    private AuditRepository() {}

    record Head(long seq, String hash) {}

    /** Locks the team's chain head for the rest of the transaction. */
    static Head lockHead(Connection c, String team) throws SQLException {
        Db.insertIfAbsent(c, "INSERT INTO audit_head (team, seq, hash) VALUES (?, 0, ?)", team, AuditChain.GENESIS);
        return Db.queryOne(
                        c,
                        "SELECT seq, hash FROM audit_head WHERE team = ? FOR UPDATE",
                        rs -> new Head(rs.getLong(1), rs.getString(2)),
                        team)
                .orElseThrow(() -> new IllegalStateException("audit head vanished inside its transaction"));
    }

    static void insert(Connection c, List<AuditEvent> events) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO audit_event (team, seq, id, event_time, type, outcome, role, server, session_id, body,"
                        + " prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            for (AuditEvent e : events) {
                ps.setString(1, e.team());
                ps.setLong(2, e.seq());
                ps.setString(3, e.id());
                ps.setLong(4, e.time().toEpochMilli());
                ps.setString(5, e.type());
                ps.setString(6, e.outcome());
                ps.setString(7, e.role());
                ps.setString(8, e.server());
                ps.setString(9, e.sessionId());
                ps.setString(10, AuditChain.canonicalBody(e));
                ps.setString(11, e.previousHash());
                ps.setString(12, e.hash());
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    static void moveHead(Connection c, String team, long seq, String hash) throws SQLException {
        Db.update(c, "UPDATE audit_head SET seq = ?, hash = ? WHERE team = ?", seq, hash, team);
    }

    /** Filters map to indexed columns; the returned events come from the hashed body. */
    static List<AuditEvent> find(Connection c, String team, AuditQuery q) throws SQLException {
        StringBuilder sql = new StringBuilder("SELECT body, hash FROM audit_event WHERE team = ?");
        List<Object> params = new ArrayList<>();
        params.add(team);
        condition(
                sql,
                params,
                "event_time >= ?",
                q.since() == null ? null : q.since().toEpochMilli());
        condition(
                sql,
                params,
                "event_time < ?",
                q.until() == null ? null : q.until().toEpochMilli());
        condition(sql, params, "type = ?", q.type());
        condition(sql, params, "role = ?", q.role());
        condition(sql, params, "server = ?", q.server());
        condition(sql, params, "session_id = ?", q.session());
        condition(sql, params, "seq > ?", q.afterSeq());
        sql.append(" ORDER BY seq LIMIT ").append(q.limit());
        return Db.query(
                c,
                sql.toString(),
                rs -> AuditChain.withHash(Json.read(rs.getString(1), AuditEvent.class), rs.getString(2)),
                params.toArray());
    }

    private static void condition(StringBuilder sql, List<Object> params, String clause, Object value) {
        if (value != null) {
            sql.append(" AND ").append(clause);
            params.add(value);
        }
    }

    /** Raw rows for chain verification, in order, a page at a time. */
    record Row(
            long seq,
            String type,
            String role,
            String server,
            String sessionId,
            Instant time,
            String body,
            String prevHash,
            String hash) {}

    static List<Row> page(Connection c, String team, long afterSeq, int limit) throws SQLException {
        return Db.query(
                c,
                "SELECT seq, type, role, server, session_id, event_time, body, prev_hash, hash FROM audit_event"
                        + " WHERE team = ? AND seq > ? ORDER BY seq LIMIT " + limit,
                rs -> new Row(
                        rs.getLong(1),
                        rs.getString(2),
                        rs.getString(3),
                        rs.getString(4),
                        rs.getString(5),
                        Instant.ofEpochMilli(rs.getLong(6)),
                        rs.getString(7),
                        rs.getString(8),
                        rs.getString(9)),
                team,
                afterSeq);
    }

    static Head head(Connection c, String team) throws SQLException {
        return Db.queryOne(
                        c,
                        "SELECT seq, hash FROM audit_head WHERE team = ?",
                        rs -> new Head(rs.getLong(1), rs.getString(2)),
                        team)
                .orElse(new Head(0, AuditChain.GENESIS));
    }
}

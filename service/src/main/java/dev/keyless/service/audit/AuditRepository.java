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
import java.util.Optional;

/**
 * Audit rows. An event is inserted unchained ({@code seq}, hashes null) inside the transaction of
 * the change it records; {@link AuditChainer} later gives it its place in the team's chain under
 * the head row's lock, which only chainers take, so no request waits on a hot row. The body keeps
 * the event as recorded; its place in the chain is in the columns {@code seq}, {@code prev_hash}
 * and {@code hash} (rows chained before V16 also have it in the body).
 */
final class AuditRepository {
    private AuditRepository() {}

    record Head(long seq, String hash) {}

    /** An event waiting for its place in the chain. */
    record Pending(String id, String body) {}

    /** An event's place in the chain. */
    record Link(String id, long seq, String previousHash, String hash) {}

    static void insertPending(Connection c, AuditEvent e, long order) throws SQLException {
        AuditFilterColumns filters = AuditFilterColumns.of(e);
        Db.update(
                c,
                "INSERT INTO audit_event (id, team, seq, event_order, event_time, type, outcome, role, server,"
                        + " session_id, body, prev_hash, hash, token_id, subject_hash, run_id, repository, actor)"
                        + " VALUES (?, ?, NULL, ?, ?, ?, ?, ?, ?, ?, ?, NULL, NULL, ?, ?, ?, ?, ?)",
                e.id(),
                e.team(),
                order,
                e.time(),
                e.type(),
                e.outcome(),
                e.role(),
                e.server(),
                e.sessionId(),
                Json.write(e),
                filters.tokenId(),
                filters.subjectHash(),
                filters.runId(),
                filters.repository(),
                filters.actor());
    }

    /** Whether the event with this id was committed (chained or not). */
    static boolean exists(Connection c, String id) throws SQLException {
        return !Db.query(c, "SELECT 1 FROM audit_event WHERE id = ?", rs -> 1, id)
                .isEmpty();
    }

    /** Teams with events waiting to be chained: reads every unchained event, for a start or a stop. */
    static List<String> teamsWithPending(Connection c) throws SQLException {
        return Db.query(c, "SELECT DISTINCT team FROM audit_event WHERE seq IS NULL", rs -> rs.getString(1));
    }

    /**
     * Teams that exist or have a chain and have events waiting: one lookup per team in the chain
     * index ({@code team, seq}, where unchained events sort first), so it is cheap to run often.
     */
    static List<String> knownTeamsWithPending(Connection c) throws SQLException {
        return Db.query(
                c,
                "SELECT t.name FROM (SELECT name FROM team UNION SELECT team FROM audit_head) t WHERE EXISTS"
                        + " (SELECT 1 FROM audit_event e WHERE e.team = t.name AND e.seq IS NULL)",
                rs -> rs.getString(1));
    }

    /** Locks the team's chain head for the rest of the transaction, creating it for a new team. */
    static Head lockHead(Connection c, String team) throws SQLException {
        Optional<Head> head = selectHeadForUpdate(c, team);
        if (head.isPresent()) {
            return head.get();
        }
        Db.insertIfAbsent(c, "INSERT INTO audit_head (team, seq, hash) VALUES (?, 0, ?)", team, AuditChain.GENESIS);
        return selectHeadForUpdate(c, team)
                .orElseThrow(() -> new IllegalStateException("audit head vanished inside its transaction"));
    }

    private static Optional<Head> selectHeadForUpdate(Connection c, String team) throws SQLException {
        return Db.queryOne(
                c,
                "SELECT seq, hash FROM audit_head WHERE team = ? FOR UPDATE",
                rs -> new Head(rs.getLong(1), rs.getString(2)),
                team);
    }

    /** The oldest unchained events of a team, in the order they were recorded. */
    static List<Pending> pending(Connection c, String team, int limit) throws SQLException {
        return Db.query(
                c,
                "SELECT id, body FROM audit_event WHERE team = ? AND seq IS NULL"
                        + " ORDER BY event_time, event_order, id LIMIT " + limit,
                rs -> new Pending(rs.getString(1), rs.getString(2)),
                team);
    }

    /**
     * Gives pending events their place, leaving the recorded body as it is (the event is written
     * once); an event another chainer placed meanwhile is left alone.
     */
    static void link(Connection c, List<Link> links) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "UPDATE audit_event SET seq = ?, prev_hash = ?, hash = ? WHERE id = ? AND seq IS NULL")) {
            for (Link link : links) {
                ps.setLong(1, link.seq());
                ps.setString(2, link.previousHash());
                ps.setString(3, link.hash());
                ps.setString(4, link.id());
                ps.addBatch();
            }
            int[] updated;
            try {
                updated = ps.executeBatch();
            } catch (SQLException e) {
                if (e.getSQLState() != null && e.getSQLState().startsWith("23")) {
                    throw Db.lostRace("another chainer placed an event at this sequence number", e);
                }
                throw e;
            }
            for (int count : updated) {
                if (count == 0) {
                    // another chainer placed it after this one read the head: pass again from there
                    throw Db.lostRace("another chainer placed this event", null);
                }
            }
        }
    }

    static void moveHead(Connection c, String team, long seq, String hash) throws SQLException {
        Db.update(c, "UPDATE audit_head SET seq = ?, hash = ? WHERE team = ?", seq, hash, team);
    }

    /** Filters map to indexed columns; the returned events come from the hashed body. */
    static List<AuditEvent> find(Connection c, String team, AuditQuery q) throws SQLException {
        StringBuilder sql = new StringBuilder(
                "SELECT body, seq, prev_hash, hash FROM audit_event WHERE team = ? AND seq IS NOT NULL");
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
        AuditRunFilter.append(sql, params, team, q.run());
        sql.append(" ORDER BY seq LIMIT ").append(q.limit());
        return Db.query(
                c,
                sql.toString(),
                rs -> AuditChain.link(
                        Json.read(rs.getString(1), AuditEvent.class), rs.getLong(2), rs.getString(3), rs.getString(4)),
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

    static Optional<String> hashAt(Connection c, String team, long seq) throws SQLException {
        return Db.queryOne(
                c, "SELECT hash FROM audit_event WHERE team = ? AND seq = ?", rs -> rs.getString(1), team, seq);
    }

    /** Events committed but not chained yet, all teams (index {@code audit_event_pending}). */
    static long unchained(Connection c) throws SQLException {
        return Db.queryOne(c, "SELECT COUNT(*) FROM audit_event WHERE seq IS NULL", rs -> rs.getLong(1))
                .orElse(0L);
    }
}

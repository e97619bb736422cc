package dev.keyless.service.audit.stream;

import dev.keyless.service.db.Db;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;

/** Stream cursors, sink leases, and the chained events and checkpoints a sink reads past its cursor. */
final class StreamRepository {
    private StreamRepository() {}

    /** What a sink has acknowledged for one team: events up to {@code seq}, checkpoints up to (seq, time). */
    record Cursor(long seq, long checkpointSeq, long checkpointTime) {
        static final Cursor START = new Cursor(0, -1, -1);
    }

    record EventRow(
            String team,
            long seq,
            String type,
            String outcome,
            Instant time,
            String body,
            String prevHash,
            String hash) {}

    record CheckpointRow(String team, long seq, long signedAt, String body) {}

    /**
     * Takes or renews the sink's lease for {@code holder} until {@code until}; false while another
     * holder's lease has not expired.
     */
    static boolean lease(Connection c, String sink, String holder, Instant now, Instant until) throws SQLException {
        int renewed = Db.update(
                c,
                "UPDATE audit_stream_lease SET holder = ?, expires_at = ? WHERE sink = ? AND (holder = ? OR expires_at < ?)",
                holder,
                until.toEpochMilli(),
                sink,
                holder,
                now.toEpochMilli());
        if (renewed > 0) {
            return true;
        }
        return Db.insertIfAbsent(
                c,
                "INSERT INTO audit_stream_lease (sink, holder, expires_at) VALUES (?, ?, ?)",
                sink,
                holder,
                until.toEpochMilli());
    }

    /**
     * Renews the lease only if {@code holder} still has it, whether or not it ran out meanwhile: the
     * fence before a cursor moves. The row stays locked to the end of the transaction, so a replica
     * taking over waits and then finds the lease renewed.
     */
    static boolean stillHeld(Connection c, String sink, String holder, Instant until) throws SQLException {
        return Db.update(
                        c,
                        "UPDATE audit_stream_lease SET expires_at = ? WHERE sink = ? AND holder = ?",
                        until.toEpochMilli(),
                        sink,
                        holder)
                > 0;
    }

    /** Gives the lease up at shutdown so another replica takes over at once. */
    static void release(Connection c, String sink, String holder) throws SQLException {
        Db.update(c, "DELETE FROM audit_stream_lease WHERE sink = ? AND holder = ?", sink, holder);
    }

    static List<String> teams(Connection c) throws SQLException {
        return Db.query(c, "SELECT team FROM audit_head ORDER BY team", rs -> rs.getString(1));
    }

    static Cursor cursor(Connection c, String sink, String team) throws SQLException {
        return Db.queryOne(
                        c,
                        "SELECT seq, checkpoint_seq, checkpoint_time FROM audit_stream_cursor WHERE sink = ? AND team = ?",
                        rs -> new Cursor(rs.getLong(1), rs.getLong(2), rs.getLong(3)),
                        sink,
                        team)
                .orElse(Cursor.START);
    }

    /** Moves the cursor forward only: a replica that lost its lease mid-batch cannot move it back. */
    static void advance(Connection c, String sink, String team, Cursor to) throws SQLException {
        int moved = Db.update(
                c,
                "UPDATE audit_stream_cursor SET seq = ?, checkpoint_seq = ?, checkpoint_time = ?"
                        + " WHERE sink = ? AND team = ? AND seq <= ?",
                to.seq(),
                to.checkpointSeq(),
                to.checkpointTime(),
                sink,
                team,
                to.seq());
        if (moved == 0) {
            Db.insertIfAbsent(
                    c,
                    "INSERT INTO audit_stream_cursor (sink, team, seq, checkpoint_seq, checkpoint_time)"
                            + " VALUES (?, ?, ?, ?, ?)",
                    sink,
                    team,
                    to.seq(),
                    to.checkpointSeq(),
                    to.checkpointTime());
        }
    }

    /** Chained events after {@code afterSeq}, in chain order. */
    static List<EventRow> events(Connection c, String team, long afterSeq, int limit) throws SQLException {
        return Db.query(
                c,
                "SELECT seq, type, outcome, event_time, body, prev_hash, hash FROM audit_event"
                        + " WHERE team = ? AND seq > ? ORDER BY seq LIMIT " + limit,
                rs -> new EventRow(
                        team,
                        rs.getLong(1),
                        rs.getString(2),
                        rs.getString(3),
                        Instant.ofEpochMilli(rs.getLong(4)),
                        rs.getString(5),
                        rs.getString(6),
                        rs.getString(7)),
                team,
                afterSeq);
    }

    /** Checkpoints after the cursor's, covering no event past {@code upToSeq}, in (seq, time) order. */
    static List<CheckpointRow> checkpoints(Connection c, String team, Cursor after, long upToSeq, int limit)
            throws SQLException {
        return Db.query(
                c,
                "SELECT seq, signed_at, body FROM audit_checkpoint WHERE team = ?"
                        + " AND (seq > ? OR (seq = ? AND signed_at > ?)) AND seq <= ?"
                        + " ORDER BY seq, signed_at, key_id LIMIT " + limit,
                rs -> new CheckpointRow(team, rs.getLong(1), rs.getLong(2), rs.getString(3)),
                team,
                after.checkpointSeq(),
                after.checkpointSeq(),
                after.checkpointTime(),
                upToSeq);
    }
}

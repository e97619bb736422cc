package dev.keyless.service.audit.checkpoint;

import dev.keyless.service.db.Db;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/** Signed checkpoints, kept for the streams to ship. */
final class CheckpointRepository {
    private CheckpointRepository() {}

    static List<String> teams(Connection c) throws SQLException {
        return Db.query(c, "SELECT team FROM audit_head ORDER BY team", rs -> rs.getString(1));
    }

    static void insert(Connection c, Checkpoint cp) throws SQLException {
        Db.insertIfAbsent(
                c,
                "INSERT INTO audit_checkpoint (team, seq, signed_at, key_id, body) VALUES (?, ?, ?, ?, ?)",
                cp.team(),
                cp.seq(),
                cp.signedAt().toEpochMilli(),
                cp.keyId(),
                cp.json());
    }

    /** Drops the team's checkpoints signed before {@code before}: the file and the sinks keep theirs. */
    static void prune(Connection c, String team, long before) throws SQLException {
        Db.update(c, "DELETE FROM audit_checkpoint WHERE team = ? AND signed_at < ?", team, before);
    }
}

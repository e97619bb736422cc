package dev.keyless.service.connection;

import dev.keyless.protocol.ConnectionState;
import dev.keyless.service.db.Db;
import dev.keyless.service.db.Json;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

final class ConnectionRepository {
    private static final String COLUMNS = "team, name, provider, issuer, jwks_uri, jwks_pinned, audiences, algorithms,"
            + " required_claims, max_token_age_seconds, clock_skew_seconds, state, generation, content_hash,"
            + " created_by, created_at, updated_at, proposed_by, proposed_at, approved_by, approved_at,"
            + " approved_content_hash";

    private ConnectionRepository() {}

    static Optional<WorkloadConnection> find(Connection c, String team, String name, boolean forUpdate)
            throws SQLException {
        return Db.queryOne(
                c,
                "SELECT " + COLUMNS + " FROM workload_connection WHERE team = ? AND name = ?"
                        + (forUpdate ? " FOR UPDATE" : ""),
                ConnectionRepository::map,
                team,
                name);
    }

    static List<WorkloadConnection> all(Connection c, String team) throws SQLException {
        return Db.query(
                c,
                "SELECT " + COLUMNS + " FROM workload_connection WHERE team = ? ORDER BY name",
                ConnectionRepository::map,
                team);
    }

    static boolean insert(Connection c, WorkloadConnection w) throws SQLException {
        return Db.insertIfAbsent(
                c,
                "INSERT INTO workload_connection (" + COLUMNS
                        + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                w.team(),
                w.name(),
                w.provider(),
                w.issuer(),
                w.jwksUri(),
                w.jwksPinned(),
                Json.write(w.audiences()),
                Json.write(w.algorithms()),
                Json.write(w.requiredClaims()),
                (int) w.maxTokenAge().toSeconds(),
                (int) w.clockSkew().toSeconds(),
                w.state().name(),
                w.generation(),
                w.contentHash(),
                w.createdBy(),
                w.createdAt(),
                w.updatedAt(),
                w.approval().proposedBy(),
                w.approval().proposedAt(),
                w.approval().approvedBy(),
                w.approval().approvedAt(),
                w.approval().approvedContentHash());
    }

    static void update(Connection c, WorkloadConnection w) throws SQLException {
        Db.update(
                c,
                "UPDATE workload_connection SET provider = ?, issuer = ?, jwks_uri = ?, jwks_pinned = ?, audiences = ?,"
                        + " algorithms = ?, required_claims = ?, max_token_age_seconds = ?, clock_skew_seconds = ?,"
                        + " state = ?, generation = ?, content_hash = ?, updated_at = ?, proposed_by = ?,"
                        + " proposed_at = ?, approved_by = ?, approved_at = ?, approved_content_hash = ?"
                        + " WHERE team = ? AND name = ?",
                w.provider(),
                w.issuer(),
                w.jwksUri(),
                w.jwksPinned(),
                Json.write(w.audiences()),
                Json.write(w.algorithms()),
                Json.write(w.requiredClaims()),
                (int) w.maxTokenAge().toSeconds(),
                (int) w.clockSkew().toSeconds(),
                w.state().name(),
                w.generation(),
                w.contentHash(),
                w.updatedAt(),
                w.approval().proposedBy(),
                w.approval().proposedAt(),
                w.approval().approvedBy(),
                w.approval().approvedAt(),
                w.approval().approvedContentHash(),
                w.team(),
                w.name());
    }

    static void delete(Connection c, String team, String name) throws SQLException {
        Db.update(c, "DELETE FROM workload_connection WHERE team = ? AND name = ?", team, name);
    }

    private static WorkloadConnection map(ResultSet rs) throws SQLException {
        return new WorkloadConnection(
                rs.getString("team"),
                rs.getString("name"),
                rs.getString("provider"),
                rs.getString("issuer"),
                rs.getString("jwks_uri"),
                rs.getString("jwks_pinned"),
                Json.readStrings(rs.getString("audiences")),
                Json.readStrings(rs.getString("algorithms")),
                Json.readMap(rs.getString("required_claims")),
                Duration.ofSeconds(rs.getInt("max_token_age_seconds")),
                Duration.ofSeconds(rs.getInt("clock_skew_seconds")),
                ConnectionState.valueOf(rs.getString("state")),
                rs.getLong("generation"),
                rs.getString("content_hash"),
                rs.getString("created_by"),
                Db.instant(rs, "created_at"),
                Db.instant(rs, "updated_at"),
                new Approval(
                        rs.getString("proposed_by"),
                        Db.instant(rs, "proposed_at"),
                        rs.getString("approved_by"),
                        Db.instant(rs, "approved_at"),
                        rs.getString("approved_content_hash")));
    }
}

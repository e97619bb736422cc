package dev.keyless.service.connection;

import dev.keyless.service.db.Db;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** The {@code connection_activation_request} table: at most one request per Draft. */
final class ActivationRequestRepository {
    private static final String COLUMNS = "team, connection, content_hash, requested_by, requested_at";

    private ActivationRequestRepository() {}

    /** A Draft's request for activation, for the content hash it was made for. */
    record ActivationRequest(String team, String connection, String contentHash, String requestedBy, Instant at) {

        /** The request as admins see it, with what the activation of {@code draft} would put into effect. */
        dev.keyless.protocol.ConnectionRequests.ActivationRequest view(WorkloadConnection draft) {
            return new dev.keyless.protocol.ConnectionRequests.ActivationRequest(
                    contentHash, requestedBy, at, ConnectionChange.additions(ConnectionSettings.of(draft)));
        }
    }

    static Optional<ActivationRequest> find(Connection c, String team, String connection) throws SQLException {
        return Db.queryOne(
                c,
                "SELECT " + COLUMNS + " FROM connection_activation_request WHERE team = ? AND connection = ?",
                ActivationRequestRepository::map,
                team,
                connection);
    }

    static List<ActivationRequest> all(Connection c, String team) throws SQLException {
        return Db.query(
                c,
                "SELECT " + COLUMNS + " FROM connection_activation_request WHERE team = ?",
                ActivationRequestRepository::map,
                team);
    }

    /** Stores the request, replacing an earlier one for the same connection. */
    static void put(Connection c, ActivationRequest r) throws SQLException {
        delete(c, r.team(), r.connection());
        Db.update(
                c,
                "INSERT INTO connection_activation_request (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?)",
                r.team(),
                r.connection(),
                r.contentHash(),
                r.requestedBy(),
                r.at());
    }

    static boolean delete(Connection c, String team, String connection) throws SQLException {
        return Db.update(
                        c,
                        "DELETE FROM connection_activation_request WHERE team = ? AND connection = ?",
                        team,
                        connection)
                > 0;
    }

    private static ActivationRequest map(ResultSet rs) throws SQLException {
        return new ActivationRequest(
                rs.getString("team"),
                rs.getString("connection"),
                rs.getString("content_hash"),
                rs.getString("requested_by"),
                Db.instant(rs, "requested_at"));
    }
}

package db.migration;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.List;
import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;

/**
 * Audit streaming, checkpoints and run filters:
 *
 * <ul>
 *   <li>indexed filter columns on {@code audit_event} ({@code token_id}, {@code subject_hash},
 *       {@code run_id}, {@code repository}, {@code actor}), filled for existing events from their
 *       body. The subject is kept as its SHA-256: a platform {@code sub} may be 1024 UTF-8
 *       characters, longer than MySQL's 3072-byte index key;
 *   <li>{@code audit_stream_cursor}: per sink and team, the last sequence number (and checkpoint)
 *       a sink acknowledged, so a restart resumes where delivery stopped;
 *   <li>{@code audit_stream_lease}: the replica that streams a sink, until its lease expires;
 *   <li>{@code audit_checkpoint}: signed checkpoints of each team's chain head, for the streams
 *       (the copies that matter are outside the database: the sinks and the checkpoint file).
 * </ul>
 *
 * <p>The derivation of the filter columns is repeated here rather than called from the service, so
 * this migration keeps meaning what it meant when it ran. Both dialects take every statement.
 */
public class V14__audit_stream_checkpoints_filters extends BaseJavaMigration {
    private static final List<String> DDL = List.of(
            "ALTER TABLE audit_event ADD COLUMN token_id VARCHAR(64)",
            "ALTER TABLE audit_event ADD COLUMN subject_hash CHAR(64)",
            "ALTER TABLE audit_event ADD COLUMN run_id VARCHAR(256)",
            "ALTER TABLE audit_event ADD COLUMN repository VARCHAR(256)",
            "ALTER TABLE audit_event ADD COLUMN actor VARCHAR(256)",
            "CREATE INDEX audit_event_token ON audit_event (team, token_id)",
            "CREATE INDEX audit_event_subject ON audit_event (team, subject_hash)",
            "CREATE INDEX audit_event_run ON audit_event (team, run_id)",
            "CREATE INDEX audit_event_repository ON audit_event (team, repository)",
            "CREATE INDEX audit_event_actor ON audit_event (team, actor)",
            "CREATE TABLE audit_stream_cursor ("
                    + " sink VARCHAR(63) NOT NULL, team VARCHAR(63) NOT NULL, seq BIGINT NOT NULL,"
                    + " checkpoint_seq BIGINT NOT NULL, checkpoint_time BIGINT NOT NULL,"
                    + " PRIMARY KEY (sink, team))",
            "CREATE TABLE audit_stream_lease ("
                    + " sink VARCHAR(63) NOT NULL PRIMARY KEY, holder VARCHAR(64) NOT NULL, expires_at BIGINT NOT NULL)",
            "CREATE TABLE audit_checkpoint ("
                    + " team VARCHAR(63) NOT NULL, seq BIGINT NOT NULL, signed_at BIGINT NOT NULL,"
                    + " key_id VARCHAR(64) NOT NULL, body TEXT NOT NULL,"
                    + " PRIMARY KEY (team, seq, signed_at, key_id))");

    static final List<String> RUN_ID =
            List.of("run_id", "job_id", "pipeline_id", "build_number", "oidc.circleci.com/pipeline-id");
    static final List<String> REPOSITORY = List.of("repository", "project_path", "oidc.circleci.com/vcs-origin");
    static final List<String> ACTOR = List.of("actor", "user_login");
    private static final int MAX = 256;

    @Override
    public void migrate(Context context) throws SQLException {
        Connection c = context.getConnection();
        try (Statement s = c.createStatement()) {
            for (String statement : DDL) {
                s.execute(statement);
            }
        }
        backfill(c);
    }

    private static void backfill(Connection c) throws SQLException {
        ObjectMapper json = new ObjectMapper();
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT id, body FROM audit_event");
                PreparedStatement update = c.prepareStatement("UPDATE audit_event SET token_id = ?, subject_hash = ?,"
                        + " run_id = ?, repository = ?, actor = ? WHERE id = ?")) {
            while (rs.next()) {
                JsonNode e;
                try {
                    e = json.readTree(rs.getString(2));
                } catch (java.io.IOException unreadable) {
                    continue; // verification reports such an event; its filters stay empty
                }
                JsonNode claims = e.path("claims");
                String tokenId = text(e.path("token_id"));
                update.setString(1, tokenId != null && tokenId.length() <= 64 ? tokenId : null);
                String subject = text(e.path("subject"));
                update.setString(2, subject == null ? null : sha256(subject));
                update.setString(3, first(claims, RUN_ID));
                update.setString(4, first(claims, REPOSITORY));
                String actor = first(claims, ACTOR);
                if (actor == null && "admin".equals(text(e.path("actor_type")))) {
                    actor = cap(text(e.path("actor_id")));
                }
                update.setString(5, actor);
                update.setString(6, rs.getString(1));
                update.addBatch();
            }
            update.executeBatch();
        }
    }

    private static String first(JsonNode claims, List<String> names) {
        for (String name : names) {
            String value = text(claims.path(name));
            if (value != null) {
                return cap(value);
            }
        }
        return null;
    }

    private static String text(JsonNode node) {
        return node.isValueNode() && !node.isNull() ? node.asText() : null;
    }

    private static String cap(String value) {
        return value == null || value.length() <= MAX ? value : value.substring(0, MAX);
    }

    private static String sha256(String value) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java platform", e);
        }
    }
}

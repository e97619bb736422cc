package db.migration;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Locale;
import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;

/**
 * Widens columns to what the edge accepts:
 *
 * <ul>
 *   <li>{@code ssh_session.subject} to 1024: a platform {@code sub} is accepted up to 1024 UTF-8
 *       bytes, and GitLab's deep group paths pass 512;
 *   <li>{@code agent.host_public_key} to 4096: the largest key the parser takes, 16384-bit RSA,
 *       is a 2.8 KiB line;
 *   <li>on MySQL, the TEXT columns that hold a stored request document to MEDIUMTEXT: MySQL's
 *       TEXT holds 65,535 bytes, and a document spelled out in full (every absent option written
 *       as null) is longer than the 64 KiB body that brought it. H2's TEXT has no such limit.
 * </ul>
 *
 * <p>H2 and MySQL share no statement that changes a column's type ({@code ALTER COLUMN c
 * VARCHAR(n)} against {@code MODIFY COLUMN c VARCHAR(n)}), so this migration is Java and picks the
 * dialect; MySQL's form replaces the whole definition, so each restates the column's nullability.
 */
public class V9__widen_columns_to_the_edge extends BaseJavaMigration {
    /** {@code h2} null: the column already holds enough on H2. */
    private record Column(String table, String name, String h2, String mysql) {}

    private static final List<Column> WIDENED = List.of(
            new Column("ssh_session", "subject", "VARCHAR(1024)", "VARCHAR(1024)"),
            new Column("agent", "host_public_key", "VARCHAR(4096)", "VARCHAR(4096) NOT NULL"),
            new Column("policy", "spec", null, "MEDIUMTEXT NOT NULL"),
            new Column("workload_role", "claims", null, "MEDIUMTEXT NOT NULL"),
            new Column("workload_connection", "jwks_pinned", null, "MEDIUMTEXT"),
            new Column("workload_connection", "audiences", null, "MEDIUMTEXT NOT NULL"),
            new Column("workload_connection", "algorithms", null, "MEDIUMTEXT NOT NULL"),
            new Column("workload_connection", "required_claims", null, "MEDIUMTEXT NOT NULL"),
            new Column("server", "labels", null, "MEDIUMTEXT NOT NULL"),
            new Column("ssh_session", "sudo", null, "MEDIUMTEXT NOT NULL"));

    @Override
    public void migrate(Context context) throws SQLException {
        Connection c = context.getConnection();
        boolean h2 = c.getMetaData()
                .getDatabaseProductName()
                .toLowerCase(Locale.ROOT)
                .contains("h2");
        try (Statement s = c.createStatement()) {
            for (Column column : WIDENED) {
                if (!h2) {
                    s.execute(
                            "ALTER TABLE " + column.table() + " MODIFY COLUMN " + column.name() + " " + column.mysql());
                } else if (column.h2() != null) {
                    // H2 keeps NOT NULL across a type change and does not take it in this form.
                    s.execute("ALTER TABLE " + column.table() + " ALTER COLUMN " + column.name() + " " + column.h2());
                }
            }
        }
    }
}

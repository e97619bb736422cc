package db.migration;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Locale;
import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;

/**
 * Widens two columns to what the edge accepts: {@code ssh_session.subject} to 1024 (a platform
 * {@code sub} is accepted up to 1024 UTF-8 bytes; GitLab's deep group paths pass 512) and {@code
 * agent.host_public_key} to 4096 (the largest key the parser takes, 16384-bit RSA, is a 2.8 KiB
 * line). H2 and MySQL share no statement that changes a column's type ({@code ALTER COLUMN c
 * VARCHAR(n)} against {@code MODIFY COLUMN c VARCHAR(n)}), so this one migration is Java and picks
 * the dialect; each statement restates the column's nullability, which MySQL's form replaces.
 */
public class V9__widen_subject_and_host_key extends BaseJavaMigration {
    private record Column(String table, String name, String type) {}

    private static final List<Column> WIDENED = List.of(
            new Column("ssh_session", "subject", "VARCHAR(1024)"),
            new Column("agent", "host_public_key", "VARCHAR(4096) NOT NULL"));

    @Override
    public void migrate(Context context) throws SQLException {
        Connection c = context.getConnection();
        boolean h2 = c.getMetaData()
                .getDatabaseProductName()
                .toLowerCase(Locale.ROOT)
                .contains("h2");
        try (Statement s = c.createStatement()) {
            for (Column column : WIDENED) {
                s.execute(h2 ? h2(column) : mysql(column));
            }
        }
    }

    private static String h2(Column column) {
        // H2 keeps NOT NULL across a type change and does not take it in this form.
        String type = column.type().replace(" NOT NULL", "");
        return "ALTER TABLE " + column.table() + " ALTER COLUMN " + column.name() + " " + type;
    }

    private static String mysql(Column column) {
        return "ALTER TABLE " + column.table() + " MODIFY COLUMN " + column.name() + " " + column.type();
    }
}

package db.migration;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;

/**
 * Drops {@code audit_event_pending (seq, team)}: the chainer finds a team's unchained events
 * through the chain index {@code audit_event_chain (team, seq)}, where a null {@code seq} sorts
 * first, so the second index only cost every audit insert and every link one more index write.
 *
 * <p>H2 and MySQL spell {@code DROP INDEX} differently (MySQL names the table), so this migration
 * is Java and picks the dialect.
 */
public class V16__audit_pending_by_chain_index extends BaseJavaMigration {
    @Override
    public void migrate(Context context) throws SQLException {
        Connection c = context.getConnection();
        boolean h2 = c.getMetaData()
                .getDatabaseProductName()
                .toLowerCase(Locale.ROOT)
                .contains("h2");
        try (Statement s = c.createStatement()) {
            s.execute(h2 ? "DROP INDEX audit_event_pending" : "DROP INDEX audit_event_pending ON audit_event");
        }
    }
}

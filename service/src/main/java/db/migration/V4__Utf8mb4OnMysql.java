package db.migration;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;

/**
 * On MySQL/MariaDB, makes the schema and every table utf8mb4 with a binary collation, whatever the
 * server's default: a latin1 or 3-byte utf8 table cannot hold a workflow named "Deploy 🚀", and
 * names compare byte for byte as they do on H2. The schema default covers tables that later
 * migrations create. A Java migration because H2 has no such statements; on H2 it does nothing.
 *
 * <p>On a Galera cluster it refuses a schema created with another default instead of converting
 * it: a session opened before {@code ALTER DATABASE} keeps the old default for the tables it
 * creates, and a table created by TOI through such a session (the load-balanced driver keeps one
 * per node and moves Flyway's work between them) is latin1 on the node that ran it and utf8mb4 on
 * the others. The first row written to it through that node then cannot be applied elsewhere, and
 * the cluster expels a node ("Column 0 of table 'keyless.admin_token' cannot be converted from
 * type 'varchar(32 octets)' to type 'varchar(128 octets) character set utf8mb4'", then
 * {@code Inconsistent}), as GaleraScenario saw.
 */
public class V4__Utf8mb4OnMysql extends BaseJavaMigration {
    @Override
    public void migrate(Context context) throws SQLException {
        Connection c = context.getConnection();
        String product = c.getMetaData().getDatabaseProductName().toLowerCase(Locale.ROOT);
        if (!product.contains("mysql") && !product.contains("mariadb")) {
            return;
        }
        try (Statement s = c.createStatement()) {
            String schema = c.getCatalog();
            if (galera(s) && !utf8mb4Bin(c, schema)) {
                throw new SQLException("The database '" + schema + "' is on a Galera cluster and was not created with"
                        + " CHARACTER SET utf8mb4 COLLATE utf8mb4_bin; converting it here would create tables"
                        + " differently on each node. Create it so (service/README.md, \"Running on a cluster\")"
                        + " and start again (drop the half-migrated database first).");
            }
            s.execute("ALTER DATABASE `" + schema.replace("`", "``") + "` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin");
            for (String table : tables(c)) {
                s.execute("ALTER TABLE `" + table.replace("`", "``")
                        + "` CONVERT TO CHARACTER SET utf8mb4 COLLATE utf8mb4_bin");
            }
        }
    }

    private static boolean galera(Statement s) throws SQLException {
        // no row on a server built without wsrep (MySQL); OFF on a single MariaDB server
        try (ResultSet rs = s.executeQuery("SHOW VARIABLES LIKE 'wsrep\\_on'")) {
            return rs.next() && "ON".equalsIgnoreCase(rs.getString(2));
        }
    }

    private static boolean utf8mb4Bin(Connection c, String schema) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT default_collation_name FROM information_schema.schemata WHERE schema_name = ?")) {
            ps.setString(1, schema);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() && "utf8mb4_bin".equalsIgnoreCase(rs.getString(1));
            }
        }
    }

    private static List<String> tables(Connection c) throws SQLException {
        List<String> tables = new ArrayList<>();
        try (ResultSet rs = c.getMetaData().getTables(c.getCatalog(), null, "%", new String[] {"TABLE"})) {
            while (rs.next()) {
                String name = rs.getString("TABLE_NAME");
                if (!name.toLowerCase(Locale.ROOT).startsWith("flyway_")) {
                    tables.add(name);
                }
            }
        }
        return tables;
    }
}

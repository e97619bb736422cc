package db.migration;

import java.sql.Connection;
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
            s.execute("ALTER DATABASE `" + schema.replace("`", "``") + "` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin");
            for (String table : tables(c)) {
                s.execute("ALTER TABLE `" + table.replace("`", "``")
                        + "` CONVERT TO CHARACTER SET utf8mb4 COLLATE utf8mb4_bin");
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

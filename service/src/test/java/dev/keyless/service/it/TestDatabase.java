package dev.keyless.service.it;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.flywaydb.core.Flyway;

/**
 * The databases the integration tests run on: the embedded H2 file database, and the MariaDB
 * server on 127.0.0.1:3306 with a fresh schema per run that is dropped afterwards (a copy of one
 * the migrations brought to the current version once per JVM).
 */
public enum TestDatabase {
    H2,
    MARIADB;

    static final String MARIADB_SERVER = "jdbc:mysql://127.0.0.1:3306/";
    static final String MARIADB_OPTIONS = "?user=root&password=&useSSL=false&allowPublicKeyRetrieval=true";

    /** A database prepared for one service run. */
    public record Prepared(TestDatabase kind, Map<String, Object> properties, String schema) implements AutoCloseable {
        @Override
        public void close() throws SQLException {
            if (kind == MARIADB) {
                try (Connection c = DriverManager.getConnection(MARIADB_SERVER + MARIADB_OPTIONS);
                        Statement s = c.createStatement()) {
                    s.execute("DROP DATABASE IF EXISTS " + schema);
                }
            }
        }

        /** A plain JDBC connection, for tests that tamper with rows behind the service's back. */
        public Connection connect(Path dataDir) throws SQLException {
            if (kind == MARIADB) {
                return DriverManager.getConnection(MARIADB_SERVER + schema + MARIADB_OPTIONS);
            }
            return DriverManager.getConnection(
                    "jdbc:h2:file:" + dataDir + "/keyless;DB_CLOSE_ON_EXIT=FALSE;LOCK_TIMEOUT=10000", "sa", "");
        }
    }

    /**
     * A schema the service's own migrations (Flyway, classpath:db/migration, as the service runs
     * them) brought to the current version, once per JVM; dropped when the JVM exits.
     */
    private static String template;

    /**
     * Makes {@code schema} a copy of the migrated template: every table as {@code SHOW CREATE TABLE}
     * gives it (columns, character sets, indexes and foreign keys) and its rows (Flyway's history),
     * so the service starts on a schema at the current version and its Flyway only validates it.
     * Running the migrations on MariaDB took 4 to 8 s of each service start on a loaded 2-core
     * machine (every DDL statement, and the table rebuilds of later ALTERs, go to disk), creating
     * the 35 tables about 1.5 s. A migration run on a fresh MariaDB schema is still tested: by the
     * template itself, and by Utf8mb4IT, which starts the service on a latin1 schema of its own.
     */
    private static void copyMigratedTemplate(Connection c, String schema) throws SQLException {
        String from = migratedTemplate();
        List<String> tables = new ArrayList<>();
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT table_name FROM information_schema.tables WHERE table_schema = '"
                        + from + "' AND table_type = 'BASE TABLE'")) {
            while (rs.next()) {
                tables.add(rs.getString(1));
            }
        }
        try (Statement s = c.createStatement()) {
            s.execute("SET FOREIGN_KEY_CHECKS = 0");
            s.execute("USE " + schema);
            for (String table : tables) {
                String ddl;
                try (ResultSet rs = s.executeQuery("SHOW CREATE TABLE " + from + ".`" + table + "`")) {
                    rs.next();
                    ddl = rs.getString(2);
                }
                s.execute(ddl);
                s.execute("INSERT INTO `" + table + "` SELECT * FROM " + from + ".`" + table + "`");
            }
            s.execute("SET FOREIGN_KEY_CHECKS = 1");
        }
    }

    private static synchronized String migratedTemplate() throws SQLException {
        if (template == null) {
            String name = "keyless_it_template_"
                    + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
            try (Connection c = DriverManager.getConnection(MARIADB_SERVER + MARIADB_OPTIONS);
                    Statement s = c.createStatement()) {
                s.execute("CREATE DATABASE " + name + " CHARACTER SET utf8mb4 COLLATE utf8mb4_bin");
            }
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try (Connection c = DriverManager.getConnection(MARIADB_SERVER + MARIADB_OPTIONS);
                        Statement s = c.createStatement()) {
                    s.execute("DROP DATABASE IF EXISTS " + name);
                } catch (SQLException e) {
                    // the JVM is exiting; a left schema is named keyless_it_template_*
                }
            }));
            Flyway.configure()
                    .dataSource(MARIADB_SERVER + name + MARIADB_OPTIONS, "root", "")
                    .locations("classpath:db/migration")
                    .load()
                    .migrate();
            template = name;
        }
        return template;
    }

    public Prepared prepare(Path dataDir) throws SQLException {
        return prepare(dataDir, 3306);
    }

    /** As {@link #prepare(Path)}, with the service reaching MariaDB on {@code port} (a proxy in front of it). */
    public Prepared prepare(Path dataDir, int port) throws SQLException {
        Map<String, Object> props = new HashMap<>();
        if (this == H2) {
            return new Prepared(this, props, null);
        }
        String schema =
                "keyless_it_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        try (Connection c = DriverManager.getConnection(MARIADB_SERVER + MARIADB_OPTIONS);
                Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + schema + " CHARACTER SET utf8mb4 COLLATE utf8mb4_bin");
            copyMigratedTemplate(c, schema);
        }
        props.put(
                "datasources.default.url",
                MARIADB_SERVER.replace(":3306/", ":" + port + "/") + schema + MARIADB_OPTIONS);
        props.put("datasources.default.driver-class-name", "com.mysql.cj.jdbc.Driver");
        props.put("datasources.default.username", "root");
        props.put("datasources.default.password", "");
        return new Prepared(this, props, schema);
    }
}

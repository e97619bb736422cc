package dev.keyless.service.it;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/**
 * The databases the integration tests run on: the embedded H2 file database, and the MariaDB
 * server on 127.0.0.1:3306 with a fresh schema per run that is dropped afterwards.
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

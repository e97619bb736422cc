package dev.keyless.bench;

import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.Map;

/**
 * The service's database for one benchmark: its embedded H2 (nothing to set), or a fresh schema
 * {@code keyless_bench_<random>} on the MariaDB at 127.0.0.1:3306 that {@link #close()} drops.
 */
final class BenchDatabase implements AutoCloseable {
    private static final String SERVER = "jdbc:mysql://127.0.0.1:3306/";
    private static final String OPTIONS = "?useSSL=false&allowPublicKeyRetrieval=true";
    private static final String USER = "root";

    private final String kind;
    private final String schema;
    private boolean dropped;

    private BenchDatabase(String kind, String schema) {
        this.kind = kind;
        this.schema = schema;
    }

    static BenchDatabase h2() {
        return new BenchDatabase("h2", null);
    }

    static BenchDatabase mariadb() throws SQLException {
        byte[] random = new byte[6];
        new SecureRandom().nextBytes(random);
        String schema = "keyless_bench_" + HexFormat.of().formatHex(random);
        execute("CREATE DATABASE " + schema + " CHARACTER SET utf8mb4 COLLATE utf8mb4_bin");
        return new BenchDatabase("mariadb", schema);
    }

    String kind() {
        return kind;
    }

    /** The environment the service needs to use this database (empty for H2). */
    Map<String, String> environment() {
        if (schema == null) {
            return Map.of();
        }
        return Map.of("KEYLESS_DB_URL", SERVER + schema + OPTIONS, "KEYLESS_DB_USER", USER, "KEYLESS_DB_PASSWORD", "");
    }

    @Override
    public synchronized void close() throws SQLException {
        if (schema != null && !dropped) {
            dropped = true;
            execute("DROP DATABASE IF EXISTS " + schema);
        }
    }

    private static void execute(String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(SERVER + OPTIONS, USER, "");
                Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }
}

package dev.keyless.e2e;

import dev.keyless.testkit.CommandResult;
import dev.keyless.testkit.Commands;
import java.util.List;
import java.util.UUID;

/**
 * A fresh schema on the MariaDB server at 127.0.0.1:3306, made and dropped with the real {@code
 * mariadb} client, for service processes that reach it with {@code KEYLESS_DB_URL}.
 */
final class MariaDbSchema implements AutoCloseable {
    final String name;

    private MariaDbSchema(String name) {
        this.name = name;
    }

    /** A schema with the server's default character set, or {@code charset} when not null. */
    static MariaDbSchema create(String charset) {
        String name =
                "keyless_e2e_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        sql("CREATE DATABASE " + name + (charset == null ? "" : " CHARACTER SET " + charset));
        return new MariaDbSchema(name);
    }

    String jdbcUrl() {
        return "jdbc:mysql://127.0.0.1:3306/" + name + "?useSSL=false&allowPublicKeyRetrieval=true";
    }

    /** Runs one statement in this schema and returns its tab-separated rows. */
    String query(String statement) {
        return sql("USE " + name + "; " + statement);
    }

    private static String sql(String statement) {
        CommandResult r = Commands.run(List.of("mariadb", "-uroot", "-h127.0.0.1", "-N", "-B", "-e", statement));
        if (!r.succeeded()) {
            throw new IllegalStateException("mariadb failed: " + r.stderr());
        }
        return r.stdout();
    }

    @Override
    public void close() {
        sql("DROP DATABASE IF EXISTS " + name);
    }
}

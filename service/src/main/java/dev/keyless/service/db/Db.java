package dev.keyless.service.db;

import io.micronaut.transaction.TransactionOperations;
import io.micronaut.transaction.support.TransactionSynchronization;
import jakarta.inject.Singleton;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLIntegrityConstraintViolationException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Portable SQL over Micronaut Data's JDBC transaction manager.
 *
 * <p>The repositories write their SQL by hand instead of using generated repository queries: one
 * set of statements must run unchanged on H2 and MySQL/MariaDB, and the hot paths (replay guard,
 * audit chain) need exact control over locking and duplicate-key handling. Times are stored as
 * epoch milliseconds ({@code BIGINT}) so that no driver or session time zone can shift them.
 */
@Singleton
public class Db {
    private final TransactionOperations<Connection> transactions;

    public Db(TransactionOperations<Connection> transactions) {
        this.transactions = transactions;
    }

    /** Runs {@code work} in a read-write transaction. */
    public <T> T write(SqlWork<T> work) {
        return transactions.executeWrite(status -> call(work, status.getConnection()));
    }

    /** Runs {@code work} in a read-only transaction. */
    public <T> T read(SqlWork<T> work) {
        return transactions.executeRead(status -> call(work, status.getConnection()));
    }

    /**
     * Runs {@code action} once the current transaction has committed, or at once outside one: for
     * telling other threads about rows they can only see after the commit.
     */
    public void afterCommit(Runnable action) {
        transactions
                .findTransactionStatus()
                .ifPresentOrElse(
                        status -> status.registerSynchronization(new TransactionSynchronization() {
                            @Override
                            public void afterCommit() {
                                action.run();
                            }
                        }),
                        action);
    }

    private static <T> T call(SqlWork<T> work, Connection connection) {
        try {
            return work.run(connection);
        } catch (SQLException e) {
            throw new DataAccessFailure(e);
        }
    }

    /** Work against one JDBC connection. */
    @FunctionalInterface
    public interface SqlWork<T> {
        T run(Connection connection) throws SQLException;
    }

    /** Maps the current row. */
    @FunctionalInterface
    public interface RowMapper<T> {
        T map(ResultSet row) throws SQLException;
    }

    public static <T> List<T> query(Connection c, String sql, RowMapper<T> mapper, Object... params)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            bind(ps, params);
            try (ResultSet rs = ps.executeQuery()) {
                List<T> rows = new ArrayList<>();
                while (rs.next()) {
                    rows.add(mapper.map(rs));
                }
                return rows;
            }
        }
    }

    public static <T> Optional<T> queryOne(Connection c, String sql, RowMapper<T> mapper, Object... params)
            throws SQLException {
        List<T> rows = query(c, sql, mapper, params);
        return rows.isEmpty() ? Optional.empty() : Optional.of(rows.get(0));
    }

    public static int update(Connection c, String sql, Object... params) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            bind(ps, params);
            return ps.executeUpdate();
        }
    }

    /**
     * Inserts a row and reports whether it was new. A duplicate key is an expected answer (replay,
     * name taken), not a failure; H2 and MySQL both signal it with SQLSTATE class 23.
     */
    public static boolean insertIfAbsent(Connection c, String sql, Object... params) throws SQLException {
        try {
            update(c, sql, params);
            return true;
        } catch (SQLIntegrityConstraintViolationException e) {
            return false;
        } catch (SQLException e) {
            if (e.getSQLState() != null && e.getSQLState().startsWith("23")) {
                return false;
            }
            throw e;
        }
    }

    static void bind(PreparedStatement ps, Object... params) throws SQLException {
        for (int i = 0; i < params.length; i++) {
            Object p = params[i];
            if (p == null) {
                ps.setNull(i + 1, Types.VARCHAR);
            } else if (p instanceof java.time.Instant instant) {
                ps.setLong(i + 1, instant.toEpochMilli());
            } else if (p instanceof Enum<?> e) {
                ps.setString(i + 1, e.name());
            } else {
                ps.setObject(i + 1, p);
            }
        }
    }

    /** Reads an epoch-millisecond column as an Instant, or null. */
    public static java.time.Instant instant(ResultSet rs, String column) throws SQLException {
        long millis = rs.getLong(column);
        return rs.wasNull() ? null : java.time.Instant.ofEpochMilli(millis);
    }
}

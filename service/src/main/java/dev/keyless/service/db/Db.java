package dev.keyless.service.db;

import io.micronaut.transaction.TransactionDefinition;
import io.micronaut.transaction.TransactionOperations;
import io.micronaut.transaction.support.TransactionSynchronization;
import jakarta.inject.Singleton;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLIntegrityConstraintViolationException;
import java.sql.SQLTransactionRollbackException;
import java.sql.Types;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
    private static final Logger LOG = LoggerFactory.getLogger(Db.class);
    /** Attempts of one transaction that lost races (deadlock, lock wait, Galera certification). */
    static final int MAX_ATTEMPTS = 12;
    /** How long a request keeps retrying a database that is unreachable or not ready. */
    static final Duration UNAVAILABLE_BUDGET = Duration.ofMillis(800);

    private static final TransactionDefinition READ_COMMITTED = new TransactionDefinition() {
        @Override
        public Optional<Isolation> getIsolationLevel() {
            return Optional.of(Isolation.READ_COMMITTED);
        }
    };

    private final TransactionOperations<Connection> transactions;
    private final H2CommitBarrier durable;

    Db(TransactionOperations<Connection> transactions, H2CommitBarrier durable) {
        this.transactions = transactions;
        this.durable = durable;
    }

    /**
     * Runs {@code work} in a read-write transaction. Inside another transaction it joins it; as the
     * outermost transaction it is retried, whole, when it loses a race with another transaction
     * (so {@code work} must not have effects outside the database, except through {@link
     * #afterCommit}). A database that stays unreachable, or conflicts that outlast the retries, end
     * as {@link DatabaseUnavailableException}: the transaction rolled back, nothing is half-written.
     */
    public <T> T write(SqlWork<T> work) {
        return run(TransactionDefinition.DEFAULT, work);
    }

    /** As {@link #write}, at READ COMMITTED: for a writer that must see rows committed while it waited. */
    public <T> T writeReadCommitted(SqlWork<T> work) {
        return run(READ_COMMITTED, work);
    }

    /** Runs {@code work} in a read-only transaction, retried as {@link #write} is. */
    public <T> T read(SqlWork<T> work) {
        return run(TransactionDefinition.READ_ONLY, work);
    }

    private <T> T run(TransactionDefinition definition, SqlWork<T> work) {
        if (transactions.findTransactionStatus().isPresent()) {
            return transactions.execute(definition, status -> call(work, status.getConnection()));
        }
        long started = System.nanoTime();
        for (int attempt = 1; ; attempt++) {
            Outcome<T> outcome = new Outcome<>();
            try {
                T result = transactions.execute(definition, status -> {
                    status.registerSynchronization(outcome);
                    T value = call(work, status.getConnection());
                    outcome.result = value;
                    return value;
                });
                return durable(definition, result);
            } catch (RuntimeException e) {
                if (outcome.committed) {
                    // The commit went through and something after it failed (an after-commit hook,
                    // resetting or returning the connection, whose link broke just then). Running the
                    // work again would do it twice: a replay-guard row would then find itself and
                    // refuse the token it has just exchanged. The work's result stands.
                    LOG.warn("database failure after the commit, the change stands: {}", SqlFailures.describe(e));
                    return durable(definition, outcome.result);
                }
                SqlFailures.Kind kind = SqlFailures.classify(e);
                if (kind == SqlFailures.Kind.OTHER) {
                    throw e;
                }
                Duration spent = Duration.ofNanos(System.nanoTime() - started);
                boolean again = kind == SqlFailures.Kind.CONFLICT
                        ? attempt < MAX_ATTEMPTS
                        : spent.compareTo(UNAVAILABLE_BUDGET) < 0;
                if (!again) {
                    throw unavailable(kind, attempt, e);
                }
                pause(kind, attempt);
            }
        }
    }

    private <T> T durable(TransactionDefinition definition, T result) {
        if (!definition.isReadOnly().orElse(false)) {
            durable.awaitDurable();
        }
        return result;
    }

    /**
     * What became of one attempt: whether its transaction committed (known from the transaction
     * manager's completion callback, which runs before the connection is reset and returned) and
     * what the work returned.
     */
    private static final class Outcome<T> implements TransactionSynchronization {
        volatile boolean committed;
        volatile T result;

        @Override
        public void afterCompletion(Status status) {
            committed = status == Status.COMMITTED;
        }
    }

    private static DatabaseUnavailableException unavailable(SqlFailures.Kind kind, int attempts, RuntimeException e) {
        LOG.warn(
                "database {} after {} attempt(s): {}",
                kind == SqlFailures.Kind.CONFLICT ? "conflicts outlasted the retries" : "unavailable",
                attempts,
                SqlFailures.describe(e));
        return new DatabaseUnavailableException(
                kind == SqlFailures.Kind.CONFLICT
                        ? "The database is overloaded with conflicting writes; nothing was changed, retry shortly"
                        : "The database is not reachable; nothing was changed, retry shortly");
    }

    /** Exponential backoff with full jitter, so that the transactions that collided spread out. */
    private static void pause(SqlFailures.Kind kind, int attempt) {
        long capMillis = kind == SqlFailures.Kind.CONFLICT ? Math.min(100, 2L << attempt) : 250;
        long millis = ThreadLocalRandom.current().nextLong(1, capMillis + 1);
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DatabaseUnavailableException("Interrupted while waiting to retry; nothing was changed");
        }
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

    /**
     * A conflict to retry for a statement that lost a race it could not see coming: on a Galera
     * cluster a writer may read a row before the write set of another node's transaction that
     * changed it has arrived, and then hit that transaction's key (a duplicate) or find its row
     * gone. Db retries the whole transaction, which then reads the winner's state.
     */
    public static SQLException lostRace(String what, SQLException cause) {
        return new SQLTransactionRollbackException(what, "40001", cause);
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

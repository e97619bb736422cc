package dev.keyless.service.db;

import io.micronaut.data.connection.exceptions.ConnectionException;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLTransientConnectionException;

/**
 * Sorts database failures into the ones worth another attempt and the rest, by SQLSTATE and vendor
 * code rather than message text (messages can quote values). Pure.
 */
final class SqlFailures {
    /** What a failure means for the request that hit it. */
    enum Kind {
        /** Lost a race with another transaction (deadlock, lock wait, serialization, Galera certification). */
        CONFLICT,
        /** The database cannot be reached or is not ready (pool timeout, broken link, node not synced). */
        UNAVAILABLE,
        /** Anything else: a defect, not retried. */
        OTHER
    }

    // MySQL/MariaDB: ER_LOCK_DEADLOCK (also Galera's certification failure), ER_LOCK_WAIT_TIMEOUT,
    // ER_UNKNOWN_COM_ERROR as Galera answers while the node is not ready, ER_QUERY_INTERRUPTED by a
    // Galera brute-force abort.
    private static final int MYSQL_DEADLOCK = 1213;
    private static final int MYSQL_LOCK_WAIT_TIMEOUT = 1205;
    private static final int MYSQL_WSREP_NOT_READY = 1047;
    private static final int MYSQL_QUERY_INTERRUPTED = 1317;
    // H2: DEADLOCK_1, LOCK_TIMEOUT_1, CONCURRENT_UPDATE_1, ROW_NOT_FOUND_WHEN_DELETING_1 raised by
    // MVCC when a concurrent transaction changed the row; DATABASE_IS_CLOSED.
    private static final int H2_DEADLOCK = 40001;
    private static final int H2_LOCK_TIMEOUT = 50200;
    private static final int H2_CONCURRENT_UPDATE = 90131;
    private static final int H2_DATABASE_CLOSED = 90098;

    private SqlFailures() {}

    /** The first {@link SQLException} in the cause chain, if any. */
    static SQLException sqlCause(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql) {
                return sql;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return null;
    }

    static Kind classify(Throwable failure) {
        SQLException sql = sqlCause(failure);
        if (sql == null) {
            return Kind.OTHER;
        }
        for (SQLException e = sql; e != null; e = e.getNextException()) {
            Kind kind = classifyOne(e);
            if (kind != Kind.OTHER) {
                return kind;
            }
        }
        // The transaction manager failed to set up or reset the connection: the pool had closed it
        // under us after a link failure (Hikari's closed connection answers without SQLSTATE), as
        // when a Galera node dies mid-request. Nothing committed on it; another connection may work.
        for (Throwable t = failure; t != null && t != t.getCause(); t = t.getCause()) {
            if (t instanceof ConnectionException) {
                return Kind.UNAVAILABLE;
            }
        }
        return Kind.OTHER;
    }

    private static Kind classifyOne(SQLException e) {
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        int code = e.getErrorCode();
        if (e instanceof SQLTransientConnectionException
                || e instanceof SQLNonTransientConnectionException
                || isPoolClosedConnection(e, state)
                || state.startsWith("08")
                || code == MYSQL_WSREP_NOT_READY
                || code == H2_DATABASE_CLOSED) {
            return Kind.UNAVAILABLE;
        }
        if (state.equals("40001")
                || state.equals("40P01")
                || code == MYSQL_DEADLOCK
                || code == MYSQL_LOCK_WAIT_TIMEOUT
                || code == MYSQL_QUERY_INTERRUPTED
                || code == H2_DEADLOCK
                || code == H2_LOCK_TIMEOUT
                || code == H2_CONCURRENT_UPDATE) {
            return Kind.CONFLICT;
        }
        return Kind.OTHER;
    }

    /**
     * Hikari's answer on a connection it closed after a link failure: no SQLSTATE, a fixed message
     * (never a value). It reaches no server, so whatever failed with it (a statement, the rollback
     * after the statement that broke the link, a commit) changed nothing.
     */
    private static boolean isPoolClosedConnection(SQLException e, String state) {
        return state.isEmpty() && "Connection is closed".equals(e.getMessage());
    }

    /** SQLSTATE and vendor code only: safe to log, never a value from the statement. */
    static String describe(Throwable failure) {
        SQLException sql = sqlCause(failure);
        return sql == null
                ? failure.getClass().getSimpleName()
                : "SQLSTATE " + sql.getSQLState() + ", vendor code " + sql.getErrorCode();
    }
}

package dev.keyless.service.db;

import java.sql.SQLDataException;
import java.sql.SQLException;
import java.sql.SQLIntegrityConstraintViolationException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLRecoverableException;
import java.sql.SQLSyntaxErrorException;
import java.sql.SQLTimeoutException;
import java.sql.SQLTransactionRollbackException;
import java.sql.SQLTransientConnectionException;
import java.sql.SQLTransientException;

/**
 * A database failure: a server fault, answered with 500 and a request id, never with SQL text.
 *
 * <p>Drivers quote the values of a failing statement in their messages (H2: {@code Value too long
 * for column "SUBJECT ...": "'repo:acme/...' (725)"}, MySQL: {@code Duplicate entry 'x' for key}),
 * and whoever logs this exception logs its causes too. So the driver's exception is not kept: the
 * cause is a copy of the same {@code java.sql} kind with the same SQLSTATE, vendor code and stack
 * trace, and a message cut before the first quoted part. The log keeps what an operator needs to
 * diagnose (state, code, the kind of error, where) and no value.
 */
public final class DataAccessFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private static final int MAX_TEXT = 120;

    public DataAccessFailure(SQLException cause) {
        super(
                "database access failed: SQLSTATE " + cause.getSQLState() + ", vendor code " + cause.getErrorCode()
                        + ", " + cause.getClass().getSimpleName() + ": " + withoutValues(cause.getMessage()),
                withoutValues(cause));
    }

    /** The message up to its first quoted or appended part (values, SQL text), at most 120 characters. */
    static String withoutValues(String message) {
        if (message == null) {
            return "";
        }
        int end = message.length();
        for (int i = 0; i < message.length(); i++) {
            char ch = message.charAt(i);
            if (ch == '\''
                    || ch == '"'
                    || ch == '`'
                    || ch == ';'
                    || ch == '\n'
                    || ch == '\r'
                    || ch == '{'
                    || ch == '['
                    || ch == '=') {
                end = i;
                break;
            }
        }
        String text = message.substring(0, Math.min(end, MAX_TEXT)).strip();
        if (text.endsWith(":")) {
            text = text.substring(0, text.length() - 1).strip();
        }
        return text;
    }

    /** A copy of {@code e} (and of its chain) of the same java.sql kind, without values. */
    static SQLException withoutValues(SQLException e) {
        String text = e.getClass().getName() + ": " + withoutValues(e.getMessage());
        String state = e.getSQLState();
        int code = e.getErrorCode();
        SQLException copy;
        if (e instanceof SQLTransactionRollbackException) {
            copy = new SQLTransactionRollbackException(text, state, code);
        } else if (e instanceof SQLTimeoutException) {
            copy = new SQLTimeoutException(text, state, code);
        } else if (e instanceof SQLTransientConnectionException) {
            copy = new SQLTransientConnectionException(text, state, code);
        } else if (e instanceof SQLTransientException) {
            copy = new SQLTransientException(text, state, code);
        } else if (e instanceof SQLIntegrityConstraintViolationException) {
            copy = new SQLIntegrityConstraintViolationException(text, state, code);
        } else if (e instanceof SQLDataException) {
            copy = new SQLDataException(text, state, code);
        } else if (e instanceof SQLSyntaxErrorException) {
            copy = new SQLSyntaxErrorException(text, state, code);
        } else if (e instanceof SQLNonTransientConnectionException) {
            copy = new SQLNonTransientConnectionException(text, state, code);
        } else if (e instanceof SQLRecoverableException) {
            copy = new SQLRecoverableException(text, state, code);
        } else {
            copy = new SQLException(text, state, code);
        }
        copy.setStackTrace(e.getStackTrace());
        if (e.getCause() instanceof SQLException inner && inner != e) {
            copy.initCause(withoutValues(inner));
        }
        SQLException next = e.getNextException();
        if (next != null && next != e) {
            copy.setNextException(withoutValues(next));
        }
        return copy;
    }
}

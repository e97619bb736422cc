package dev.keyless.service.db;

import java.sql.SQLException;

/** A database failure: a server fault, answered with 500 and a request id, never with SQL text. */
public final class DataAccessFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public DataAccessFailure(SQLException cause) {
        super("database access failed (SQLSTATE " + cause.getSQLState() + ")", cause);
    }
}

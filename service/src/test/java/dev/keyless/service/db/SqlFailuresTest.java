package dev.keyless.service.db;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class SqlFailuresTest {
    static Stream<Arguments> failures() {
        return Stream.of(
                Arguments.of(
                        "MySQL deadlock / Galera certification",
                        new SQLException("secret-sub-value", "40001", 1213),
                        "CONFLICT"),
                Arguments.of(
                        "MySQL lock wait timeout", new SQLException("secret-sub-value", "HY000", 1205), "CONFLICT"),
                Arguments.of(
                        "Galera brute-force abort", new SQLException("secret-sub-value", "70100", 1317), "CONFLICT"),
                Arguments.of("H2 deadlock", new SQLException("secret-sub-value", "40001", 40001), "CONFLICT"),
                Arguments.of("H2 lock timeout", new SQLException("secret-sub-value", "HYT00", 50200), "CONFLICT"),
                Arguments.of("H2 concurrent update", new SQLException("secret-sub-value", "90131", 90131), "CONFLICT"),
                Arguments.of(
                        "Galera node not ready", new SQLException("secret-sub-value", "08S01", 1047), "UNAVAILABLE"),
                Arguments.of("link failure", new SQLException("secret-sub-value", "08S01", 0), "UNAVAILABLE"),
                Arguments.of("pool timeout", new SQLTransientConnectionException("secret-sub-value"), "UNAVAILABLE"),
                Arguments.of("H2 closed", new SQLException("secret-sub-value", "90098", 90098), "UNAVAILABLE"),
                Arguments.of("value too long", new SQLException("secret-sub-value", "22001", 1406), "OTHER"),
                Arguments.of("duplicate key", new SQLException("secret-sub-value", "23000", 1062), "OTHER"),
                Arguments.of(
                        "wrapped deadlock",
                        new RuntimeException(new SQLException("secret-sub-value", "40001", 1213)),
                        "CONFLICT"),
                Arguments.of(
                        "connection closed by the pool under the transaction manager",
                        new io.micronaut.data.connection.exceptions.ConnectionException(
                                "Could not set JDBC Connection read-only: Connection is closed",
                                new SQLException("Connection is closed")),
                        "UNAVAILABLE"),
                Arguments.of(
                        // GaleraScenario, node killed: the statement's link failure closed the
                        // connection, and the rollback's failure is what the transaction manager throws
                        "rollback on a connection the pool had closed",
                        new io.micronaut.transaction.exceptions.TransactionSystemException(
                                "Could not roll back JDBC transaction", new SQLException("Connection is closed")),
                        "UNAVAILABLE"),
                Arguments.of("no SQL cause", new IllegalStateException("secret-sub-value"), "OTHER"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("failures")
    void classifiesBySqlStateAndVendorCode(String name, Throwable failure, String kind) {
        assertThat(SqlFailures.classify(failure)).isEqualTo(SqlFailures.Kind.valueOf(kind));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("failures")
    void describesWithoutTheMessage(String name, Throwable failure, String kind) {
        assertThat(SqlFailures.describe(failure)).doesNotContain("secret-sub-value");
    }
}

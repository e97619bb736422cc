package dev.keyless.service.it;

/** The column bounds on the MariaDB server at 127.0.0.1:3306, in a schema of its own. */
class MariaDbColumnBoundsIT extends ColumnBoundsTests {
    @Override
    TestDatabase database() {
        return TestDatabase.MARIADB;
    }
}

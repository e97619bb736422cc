package dev.keyless.service.it;

/** Every session end reaches the KRL, on the MariaDB server at 127.0.0.1:3306, in a schema of its own. */
class MariaDbSessionRevocationIT extends SessionRevocationTests {
    @Override
    TestDatabase database() {
        return TestDatabase.MARIADB;
    }
}

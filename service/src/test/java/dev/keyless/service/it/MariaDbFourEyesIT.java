package dev.keyless.service.it;

/** The four-eyes rules on the MariaDB server at 127.0.0.1:3306, in a schema of its own. */
class MariaDbFourEyesIT extends FourEyesTests {
    @Override
    TestDatabase database() {
        return TestDatabase.MARIADB;
    }
}

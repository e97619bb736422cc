package dev.keyless.service.it;

/** One token, one exchange, on the MariaDB server at 127.0.0.1:3306, in a schema of its own. */
class MariaDbReplayGuardIT extends ReplayGuardTests {
    @Override
    TestDatabase database() {
        return TestDatabase.MARIADB;
    }
}

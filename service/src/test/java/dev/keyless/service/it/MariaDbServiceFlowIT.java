package dev.keyless.service.it;

/** The governed flow on the MariaDB server at 127.0.0.1:3306, in a schema of its own. */
class MariaDbServiceFlowIT extends ServiceFlowTests {
    @Override
    TestDatabase database() {
        return TestDatabase.MARIADB;
    }
}

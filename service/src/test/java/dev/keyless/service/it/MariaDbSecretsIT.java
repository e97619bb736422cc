package dev.keyless.service.it;

/** Secrets by policy on the MariaDB server at 127.0.0.1:3306, in a schema of its own. */
class MariaDbSecretsIT extends SecretsTests {
    @Override
    TestDatabase database() {
        return TestDatabase.MARIADB;
    }
}

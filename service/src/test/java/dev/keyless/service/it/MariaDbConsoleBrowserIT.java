package dev.keyless.service.it;

/** The console in a real browser, on the MariaDB server at 127.0.0.1:3306. */
class MariaDbConsoleBrowserIT extends ConsoleBrowserTests {
    @Override
    TestDatabase database() {
        return TestDatabase.MARIADB;
    }
}

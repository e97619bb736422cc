package dev.keyless.service.it;

/** Admin token lifecycle on the MariaDB server at 127.0.0.1:3306. */
class MariaDbAdminTokenIT extends AdminTokenTests {
    @Override
    TestDatabase database() {
        return TestDatabase.MARIADB;
    }
}

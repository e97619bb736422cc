package dev.keyless.service.it;

/** Teams, server update and delete, session and admin lists, on the MariaDB server at 127.0.0.1:3306. */
class MariaDbAdminApiIT extends AdminApiTests {
    @Override
    TestDatabase database() {
        return TestDatabase.MARIADB;
    }
}

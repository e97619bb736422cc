package dev.keyless.service.it;

/** Run filters of the audit query on the MariaDB server. */
class MariaDbAuditQueryIT extends AuditQueryTests {
    @Override
    TestDatabase database() {
        return TestDatabase.MARIADB;
    }
}

package dev.keyless.service.it;

/** Run filters of the audit query on the embedded H2 database. */
class H2AuditQueryIT extends AuditQueryTests {
    @Override
    TestDatabase database() {
        return TestDatabase.H2;
    }
}

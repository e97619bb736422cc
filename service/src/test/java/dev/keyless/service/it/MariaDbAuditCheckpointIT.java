package dev.keyless.service.it;

/** Checkpoints against a rewritten or truncated history on the MariaDB server. */
class MariaDbAuditCheckpointIT extends AuditCheckpointTests {
    @Override
    TestDatabase database() {
        return TestDatabase.MARIADB;
    }
}

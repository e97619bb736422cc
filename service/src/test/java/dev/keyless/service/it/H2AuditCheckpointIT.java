package dev.keyless.service.it;

/** Checkpoints against a rewritten or truncated history on the embedded H2 database. */
class H2AuditCheckpointIT extends AuditCheckpointTests {
    @Override
    TestDatabase database() {
        return TestDatabase.H2;
    }
}

package dev.keyless.service.it;

/** The governed flow on the embedded H2 database. */
class H2ServiceFlowIT extends ServiceFlowTests {
    @Override
    TestDatabase database() {
        return TestDatabase.H2;
    }
}

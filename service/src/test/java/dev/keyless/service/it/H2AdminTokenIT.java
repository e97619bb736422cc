package dev.keyless.service.it;

/** Admin token lifecycle on the embedded H2 database. */
class H2AdminTokenIT extends AdminTokenTests {
    @Override
    TestDatabase database() {
        return TestDatabase.H2;
    }
}

package dev.keyless.service.it;

/** The column bounds on the embedded H2 database. */
class H2ColumnBoundsIT extends ColumnBoundsTests {
    @Override
    TestDatabase database() {
        return TestDatabase.H2;
    }
}

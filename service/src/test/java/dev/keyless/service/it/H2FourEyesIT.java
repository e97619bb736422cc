package dev.keyless.service.it;

/** The four-eyes rules on the embedded H2 database. */
class H2FourEyesIT extends FourEyesTests {
    @Override
    TestDatabase database() {
        return TestDatabase.H2;
    }
}

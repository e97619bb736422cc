package dev.keyless.service.it;

/** Every session end reaches the KRL, on the embedded H2 database. */
class H2SessionRevocationIT extends SessionRevocationTests {
    @Override
    TestDatabase database() {
        return TestDatabase.H2;
    }
}

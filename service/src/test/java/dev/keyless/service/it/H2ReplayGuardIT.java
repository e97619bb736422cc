package dev.keyless.service.it;

/** One token, one exchange, on the embedded H2 database. */
class H2ReplayGuardIT extends ReplayGuardTests {
    @Override
    TestDatabase database() {
        return TestDatabase.H2;
    }
}

package dev.keyless.service.it;

/** Secrets by policy on the embedded H2 database. */
class H2SecretsIT extends SecretsTests {
    @Override
    TestDatabase database() {
        return TestDatabase.H2;
    }
}

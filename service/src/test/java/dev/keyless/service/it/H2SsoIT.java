package dev.keyless.service.it;

/** Admin SSO with a real OIDC provider, on the embedded H2 database. */
class H2SsoIT extends SsoTests {
    @Override
    TestDatabase database() {
        return TestDatabase.H2;
    }
}

package dev.keyless.service.it;

/** Admin SSO with a real OIDC provider, on the MariaDB server at 127.0.0.1:3306. */
class MariaDbSsoIT extends SsoTests {
    @Override
    TestDatabase database() {
        return TestDatabase.MARIADB;
    }
}

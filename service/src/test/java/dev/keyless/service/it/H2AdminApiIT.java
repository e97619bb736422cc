package dev.keyless.service.it;

/** Teams, server update and delete, session and admin lists, on the embedded H2 database. */
class H2AdminApiIT extends AdminApiTests {
    @Override
    TestDatabase database() {
        return TestDatabase.H2;
    }
}

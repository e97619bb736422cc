package dev.keyless.service.it;

/** The console in a real browser, on the embedded H2 database. */
class H2ConsoleBrowserIT extends ConsoleBrowserTests {
    @Override
    TestDatabase database() {
        return TestDatabase.H2;
    }
}

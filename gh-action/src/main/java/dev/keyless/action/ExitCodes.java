package dev.keyless.action;

/** The same codes as the CLI; on success the action exits with the run commands' own code. */
final class ExitCodes {
    static final int FAILED = 1;
    static final int USAGE = 2;
    static final int REFUSED = 3;
    static final int FAULT = 4;

    private ExitCodes() {}
}

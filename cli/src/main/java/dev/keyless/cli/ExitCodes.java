package dev.keyless.cli;

/** The CLI's exit codes; {@code exec} and {@code ssh} return the command's own code on success. */
public final class ExitCodes {
    public static final int OK = 0;
    public static final int FAILED = 1;
    public static final int USAGE = 2;
    public static final int REFUSED = 3;
    public static final int FAULT = 4;

    private ExitCodes() {}
}

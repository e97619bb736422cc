package dev.keyless.testkit;

/** What a finished external command left: its exit code and its decoded stdout and stderr. */
public record CommandResult(int exitCode, String stdout, String stderr) {
    public boolean succeeded() {
        return exitCode == 0;
    }
}

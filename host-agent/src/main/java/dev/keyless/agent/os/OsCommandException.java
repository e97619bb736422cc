package dev.keyless.agent.os;

/** An OS tool exited non-zero; the message holds the tool, its exit code and its first stderr line. */
public final class OsCommandException extends IllegalStateException {
    private final String tool;
    private final int exitCode;

    public OsCommandException(String tool, int exitCode, String stderr) {
        super(tool + " exited with " + exitCode + ": " + firstLine(stderr));
        this.tool = tool;
        this.exitCode = exitCode;
    }

    public String tool() {
        return tool;
    }

    public int exitCode() {
        return exitCode;
    }

    private static String firstLine(String text) {
        String stripped = text == null ? "" : text.strip();
        int newline = stripped.indexOf('\n');
        return newline < 0 ? stripped : stripped.substring(0, newline);
    }
}

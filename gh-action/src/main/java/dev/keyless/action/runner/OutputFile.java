package dev.keyless.action.runner;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.UUID;

/**
 * A runner file command ({@code GITHUB_OUTPUT}, {@code GITHUB_ENV}): appends {@code name=value}, or
 * for values with a line break {@code name<<DELIM}, the value, {@code DELIM}, with a random
 * delimiter that neither name nor value contains (as {@code core.setOutput} does).
 */
public final class OutputFile {
    private final Path file;

    public OutputFile(Path file) {
        this.file = file;
    }

    /** Appends one entry; creates the file if needed. */
    public void append(String name, String value) {
        try {
            Files.writeString(
                    file,
                    format(name, value),
                    StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("could not write " + file, e);
        }
    }

    /** The text appended for one entry. */
    public static String format(String name, String value) {
        if (name.contains("=") || name.contains("\n") || name.contains("\r")) {
            throw new IllegalArgumentException("invalid output name: " + name);
        }
        if (!value.contains("\n") && !value.contains("\r")) {
            return name + "=" + value + "\n";
        }
        String delimiter = "ghadelimiter_" + UUID.randomUUID();
        if (name.contains(delimiter) || value.contains(delimiter)) {
            throw new IllegalStateException("delimiter collision");
        }
        return name + "<<" + delimiter + "\n" + value + "\n" + delimiter + "\n";
    }
}

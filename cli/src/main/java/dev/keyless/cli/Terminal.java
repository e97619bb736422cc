package dev.keyless.cli;

import java.io.Console;
import java.util.Optional;

/**
 * The user's terminal, where a destructive command ({@code admin ... delete}, {@code admin apply})
 * asks before it acts. Without one (a CI job, a pipe on stdin or stdout) there is nobody to ask:
 * such commands then need {@code --yes} and never read stdin.
 */
public interface Terminal {
    /** Shows {@code question} and returns the line typed, or null at end of input. */
    String ask(String question);

    /** The process's terminal when stdin and stdout both are one ({@link System#console()}). */
    @SuppressWarnings(
            "SystemConsoleNull") // built for Java 17, where null means no terminal (Console.isTerminal is 22+)
    static Optional<Terminal> system() {
        Console console = System.console();
        return console == null ? Optional.empty() : Optional.of(question -> console.readLine("%s", question));
    }
}

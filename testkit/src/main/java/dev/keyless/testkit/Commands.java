package dev.keyless.testkit;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs external tools (ssh-keygen, ssh, useradd) from an argument vector, never through a shell, with a
 * timeout. Test helper; thread-safe (no shared state).
 */
public final class Commands {
    private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);

    private Commands() {}

    public static CommandResult run(List<String> argv) {
        return run(argv, Map.of(), DEFAULT_TIMEOUT);
    }

    /** Runs with extra environment variables; a null value removes the variable. */
    public static CommandResult run(List<String> argv, Map<String, String> env, Duration timeout) {
        ProcessBuilder builder = new ProcessBuilder(argv);
        env.forEach((name, value) -> {
            if (value == null) {
                builder.environment().remove(name);
            } else {
                builder.environment().put(name, value);
            }
        });
        builder.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        try {
            Process process = builder.start();
            CompletableFuture<String> stdout = drain(process.getInputStream());
            CompletableFuture<String> stderr = drain(process.getErrorStream());
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor();
                throw new IllegalStateException(argv.get(0) + " did not finish within " + timeout);
            }
            return new CommandResult(process.exitValue(), stdout.join(), stderr.join());
        } catch (IOException e) {
            throw new UncheckedIOException("could not start " + argv.get(0), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + argv.get(0), e);
        }
    }

    /** As {@link #run(List)}, failing with the tool's stderr when it exits non-zero. */
    public static CommandResult runChecked(List<String> argv) {
        CommandResult result = run(argv);
        if (!result.succeeded()) {
            throw new IllegalStateException(argv.get(0) + " exited with " + result.exitCode() + ": "
                    + result.stderr().strip());
        }
        return result;
    }

    // Both streams must be read concurrently or a chatty child blocks on a full pipe.
    private static CompletableFuture<String> drain(InputStream stream) {
        return CompletableFuture.supplyAsync(() -> {
            try (stream) {
                return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }
}

package dev.keyless.agent.os;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs an OS tool from an argument vector, never through a shell, with stdin from /dev/null and
 * a timeout. Stateless and thread-safe.
 */
public final class Exec {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private Exec() {}

    /** The outcome of one run. */
    public record Result(int exitCode, String stdout, String stderr) {
        public boolean succeeded() {
            return exitCode == 0;
        }
    }

    public static Result run(List<String> argv) {
        return run(argv, TIMEOUT);
    }

    public static Result run(List<String> argv, Duration timeout) {
        ProcessBuilder builder = new ProcessBuilder(argv).redirectInput(new File("/dev/null"));
        // Tools parse their output in the C locale; a translated message must not change behaviour.
        builder.environment().put("LC_ALL", "C");
        try {
            Process process = builder.start();
            CompletableFuture<String> out = drain(process.getInputStream());
            CompletableFuture<String> err = drain(process.getErrorStream());
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor();
                throw new IllegalStateException(argv.get(0) + " did not finish within " + timeout);
            }
            return new Result(process.exitValue(), out.join(), err.join());
        } catch (IOException e) {
            throw new UncheckedIOException("could not start " + argv.get(0), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + argv.get(0), e);
        }
    }

    /** As {@link #run(List)}, throwing with the tool's first stderr line when it fails. */
    public static Result checked(List<String> argv) {
        Result result = run(argv);
        if (!result.succeeded()) {
            throw new OsCommandException(argv.get(0), result.exitCode(), result.stderr());
        }
        return result;
    }

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

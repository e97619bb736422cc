package dev.keyless.client.job;

import dev.keyless.client.Masker;
import dev.keyless.client.MaskingCopy;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs a job's local command (one at a time) and stops it on cleanup: the command name looked up on
 * the child's {@code PATH}, stdin/stdout/stderr inherited or the output masked line by line. {@link
 * #stop} may be called from any thread.
 */
final class JobCommandRunner {
    /** How long the masked output may still drain after the command ended. */
    private static final Duration OUTPUT_DRAIN = Duration.ofSeconds(2);

    private volatile Process running;

    /**
     * Runs {@code command} with exactly {@code env} and returns its exit code (128 + signal if a
     * signal ended it); with {@code outputMasker} not null its stdout and stderr reach this JVM's
     * through {@link MaskingCopy}. Interrupted, it stops the command.
     *
     * @param workingDirectory null for the current directory
     */
    int run(List<String> command, Map<String, String> env, Path workingDirectory, Masker outputMasker)
            throws InterruptedException {
        // ProcessBuilder looks a bare command name up in this JVM's PATH, not the child's: without
        // this, `keyless exec -- ssh web-01` ran the system ssh instead of the job's wrapper.
        List<String> argv = new ArrayList<>(command);
        argv.set(0, onPath(command.get(0), env.get("PATH")));
        ProcessBuilder pb = new ProcessBuilder(argv).inheritIO();
        if (outputMasker != null) {
            pb.redirectOutput(ProcessBuilder.Redirect.PIPE).redirectError(ProcessBuilder.Redirect.PIPE);
        }
        if (workingDirectory != null) {
            pb.directory(workingDirectory.toFile());
        }
        pb.environment().clear();
        pb.environment().putAll(env);
        Process process;
        try {
            process = pb.start();
        } catch (IOException e) {
            throw new IllegalArgumentException("could not start " + command.get(0) + ": " + e.getMessage(), e);
        }
        running = process;
        List<Thread> copies = outputMasker == null
                ? List.of()
                : List.of(
                        copy("stdout", process.getInputStream(), System.out, outputMasker),
                        copy("stderr", process.getErrorStream(), System.err, outputMasker));
        try {
            int exit = process.waitFor();
            for (Thread t : copies) {
                // A background child of the command may hold the pipe open: do not wait for it.
                t.join(OUTPUT_DRAIN.toMillis());
            }
            return exit;
        } catch (InterruptedException e) {
            stop();
            throw e;
        } finally {
            running = null;
        }
    }

    /** Stops the running command and its descendants, if any: TERM, then KILL after 2 s. */
    void stop() {
        Process p = running;
        if (p == null || !p.isAlive()) {
            return;
        }
        p.descendants().forEach(ProcessHandle::destroy);
        p.destroy();
        try {
            if (!p.waitFor(2, TimeUnit.SECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static Thread copy(String name, InputStream from, OutputStream to, Masker masker) {
        Thread t = new Thread(
                () -> {
                    try (from) {
                        MaskingCopy.copy(from, to, masker);
                    } catch (IOException e) {
                        // The command's end closed the pipe; what was read has been written.
                    }
                },
                "keyless-mask-" + name);
        t.setDaemon(true);
        t.start();
        return t;
    }

    /** {@code name} as found on {@code path} (as execvp would), or unchanged when it has a slash or is not found. */
    @SuppressWarnings("StringSplitter") // a trailing empty PATH entry is dropped, as it always was
    static String onPath(String name, String path) {
        if (name.contains("/") || path == null) {
            return name;
        }
        for (String dir : path.split(":")) {
            Path candidate = Path.of(dir.isEmpty() ? "." : dir, name);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return candidate.toString();
            }
        }
        return name;
    }
}

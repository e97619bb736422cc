package dev.keyless.action.runner;

import dev.keyless.client.Masker;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The runner as an action sees it: workflow commands on stdout, the {@code GITHUB_OUTPUT} and
 * {@code GITHUB_STEP_SUMMARY} files. Every line it prints passes through the {@link Masker}, and
 * every secret the masker learns is announced with {@code ::add-mask::} (each line of a multi-line
 * secret on its own, as the runner masks line by line) by {@link #announceMasks()} — call it as
 * soon as a secret may have been registered. Thread-safe: cleanup may print from a shutdown hook.
 */
public final class Runner {
    private final PrintStream out;
    private final Masker masker;
    private final boolean debug;
    private final Path outputFile;
    private final Path summaryFile;
    private final Set<String> announced = ConcurrentHashMap.newKeySet();

    /**
     * @param outputFile {@code GITHUB_OUTPUT}, or null when not run by a runner
     * @param summaryFile {@code GITHUB_STEP_SUMMARY}, or null
     */
    public Runner(PrintStream out, Masker masker, boolean debug, Path outputFile, Path summaryFile) {
        this.out = out;
        this.masker = masker;
        this.debug = debug;
        this.outputFile = outputFile;
        this.summaryFile = summaryFile;
    }

    /** A runner from the process environment: {@code RUNNER_DEBUG=1} turns debug on. */
    public static Runner fromEnv(Map<String, String> env, PrintStream out, Masker masker, boolean debugInput) {
        return new Runner(
                out,
                masker,
                debugInput || "1".equals(env.get("RUNNER_DEBUG")),
                path(env.get("GITHUB_OUTPUT")),
                path(env.get("GITHUB_STEP_SUMMARY")));
    }

    private static Path path(String value) {
        return value == null || value.isBlank() ? null : Path.of(value);
    }

    public Masker masker() {
        return masker;
    }

    public boolean debugEnabled() {
        return debug;
    }

    /** Registers a secret and announces it at once. Null or blank is ignored. */
    public void addMask(String secret) {
        if (secret != null && !secret.isBlank()) {
            masker.register(secret);
            announceMasks();
        }
    }

    /** Prints {@code ::add-mask::} for every secret the masker knows and the runner does not yet. */
    public synchronized void announceMasks() {
        for (String secret : masker.secrets()) {
            // The masker also holds each line of a multi-line secret; the runner masks per line.
            if (secret.indexOf('\n') < 0 && secret.indexOf('\r') < 0 && announced.add(secret)) {
                out.println(WorkflowCommands.format("add-mask", Map.of(), secret));
            }
        }
        out.flush();
    }

    /** A plain log line. */
    public void info(String line) {
        print(masker.mask(line));
    }

    /** A debug line; shown only with {@code RUNNER_DEBUG=1} or the debug input. */
    public void debug(String message) {
        if (debug) {
            command("debug", Map.of(), message);
        }
    }

    public void group(String title) {
        command("group", Map.of(), title);
    }

    public void endGroup() {
        print("::endgroup::");
    }

    public void warning(String message) {
        command("warning", Map.of(), message);
    }

    /** An error annotation: {@code ::error title=TITLE::message}. */
    public void error(String title, String message) {
        Map<String, String> props = new LinkedHashMap<>();
        props.put("title", title);
        command("error", props, message);
    }

    /** Appends an output to {@code GITHUB_OUTPUT}; never pass a secret. */
    public void setOutput(String name, String value) {
        if (outputFile == null) {
            debug("GITHUB_OUTPUT is not set; output " + name + " not written");
            return;
        }
        new OutputFile(outputFile).append(name, masker.mask(value));
    }

    /** Appends markdown to the step summary (masked). */
    public void appendSummary(String markdown) {
        if (summaryFile == null) {
            return;
        }
        try {
            Files.writeString(
                    summaryFile,
                    masker.mask(markdown),
                    StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("could not write the step summary", e);
        }
    }

    private void command(String name, Map<String, String> props, String message) {
        Map<String, String> masked = new LinkedHashMap<>();
        props.forEach((k, v) -> masked.put(k, masker.mask(v)));
        print(WorkflowCommands.format(name, masked, masker.mask(message)));
    }

    private synchronized void print(String line) {
        out.println(line);
        out.flush();
    }
}

package dev.keyless.cli;

import dev.keyless.client.Masker;
import dev.keyless.client.job.JobListener;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * What every subcommand shares: the environment (injected, so tests and integrations can pass
 * their own), stdout for results, stderr for diagnostics (always masked), the masker that learns
 * every token, and whether {@code --debug} is on.
 */
public final class Context {
    private final Map<String, String> env;
    private final PrintWriter out;
    private final PrintWriter err;
    private final Supplier<Optional<Terminal>> terminal;
    private final Masker masker = new Masker();
    private volatile boolean debug;

    public Context(Map<String, String> env, PrintWriter out, PrintWriter err) {
        this(env, out, err, Terminal::system);
    }

    /** With the terminal prompts go to ({@link Terminal#system()} unless a test passes its own). */
    public Context(Map<String, String> env, PrintWriter out, PrintWriter err, Supplier<Optional<Terminal>> terminal) {
        this.env = Map.copyOf(env);
        this.out = out;
        this.err = err;
        this.terminal = terminal;
    }

    /**
     * Whether to go ahead with a destructive step: yes with {@code --yes}, else the user's answer
     * on the terminal ({@code y} or {@code yes}; anything else, or end of input, is no). Without a
     * terminal, a usage error naming {@code --yes}: a script neither hangs nor guesses.
     */
    public boolean confirm(String question, boolean yes) {
        if (yes) {
            return true;
        }
        Terminal t = terminal.get()
                .orElseThrow(
                        () -> new UsageException("no terminal to confirm on: pass --yes to go ahead without asking"));
        out.flush();
        String answer = t.ask(question + " [y/N] ");
        String a = answer == null ? "" : answer.strip().toLowerCase(Locale.ROOT);
        return a.equals("y") || a.equals("yes");
    }

    public Map<String, String> env() {
        return env;
    }

    public Masker masker() {
        return masker;
    }

    /** For results only (the access token of {@code authenticate}, admin answers). */
    public PrintWriter out() {
        return out;
    }

    /** Stderr itself, for picocli's own messages (usage); results and diagnostics use the methods. */
    PrintWriter errWriter() {
        return err;
    }

    void debug(boolean on) {
        this.debug = on;
    }

    public boolean debug() {
        return debug;
    }

    /** A diagnostic line on stderr, masked. */
    public void error(String line) {
        synchronized (err) {
            err.println(masker.mask(line));
            err.flush();
        }
    }

    /**
     * A {@code --debug} line on stderr with a duration and when the step ended, counted from the
     * process's start (the launcher execs the JVM, so that is when {@code keyless} was run), masked;
     * nothing without {@code --debug}.
     */
    public void debug(String step, Duration took) {
        if (debug) {
            error(String.format("debug: %-60s %6d ms  at %5d ms", step, took.toMillis(), sinceProcessStart()));
        }
    }

    /**
     * Milliseconds since this process started, to the kernel's clock tick (10 ms): Linux's
     * {@code /proc/uptime} minus the process's start time in {@code /proc/self/stat} (field 22, in
     * ticks of 1/100 s, which {@code USER_HZ} is on every Linux ABI). {@link ProcessHandle.Info}'s
     * start instant is no good here: it adds the boot time, which the kernel gives in whole seconds.
     * -1 where there is no {@code /proc}.
     */
    static long sinceProcessStart() {
        try {
            String uptime = Files.readString(Path.of("/proc/uptime"), StandardCharsets.US_ASCII);
            String stat = Files.readString(Path.of("/proc/self/stat"), StandardCharsets.US_ASCII);
            // fields after the command name (which may hold spaces and parentheses): state is field 3
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ", -1);
            long startTicks = Long.parseLong(fields[22 - 3]);
            double now = Double.parseDouble(uptime.substring(0, uptime.indexOf(' ')));
            return Math.round(now * 1000) - startTicks * 10;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** A listener that shows job steps under {@code --debug} and warnings always. */
    public JobListener listener() {
        return new JobListener() {
            @Override
            public void step(String message, Duration took) {
                debug(message, took);
            }

            @Override
            public void warn(String message) {
                error("keyless: warning: " + message);
            }
        };
    }
}

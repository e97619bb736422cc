package dev.keyless.action;

import dev.keyless.action.runner.Inputs;
import dev.keyless.action.runner.Runner;
import dev.keyless.client.Masker;
import java.io.PrintStream;
import java.time.Instant;
import java.util.Map;

/**
 * Entry point of {@code keyless-action.jar}, run by {@code action.yml}. Takes no arguments: the
 * inputs come as {@code INPUT_*} variables. Exits with the run commands' code, or 2 (inputs), 3
 * (refused), 4 (service or network fault), 1 (other).
 */
public final class ActionMain {
    private ActionMain() {}

    public static void main(String[] args) {
        Instant start = ProcessHandle.current().info().startInstant().orElseGet(Instant::now);
        System.exit(run(System.getenv(), System.out, start));
    }

    static int run(Map<String, String> env, PrintStream out, Instant start) {
        boolean debugInput =
                new Inputs(env).get("debug").map("true"::equalsIgnoreCase).orElse(false);
        Runner runner = Runner.fromEnv(env, out, new Masker(), debugInput);
        return new KeylessAction(env, runner, start).run();
    }
}

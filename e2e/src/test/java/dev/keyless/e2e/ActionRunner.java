package dev.keyless.e2e;

import dev.keyless.testkit.DefaultSignals;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs {@code keyless-action.jar} the way the runner runs the action's composite step: a separate
 * process with {@code INPUT_*} variables, {@code GITHUB_OUTPUT} and {@code GITHUB_STEP_SUMMARY}
 * files, {@code GITHUB_WORKSPACE}, {@code RUNNER_TEMP} and the OIDC request variables.
 */
final class ActionRunner {
    static final Path JAR = Path.of("../gh-action/target/keyless-action.jar");
    static final Path ACTION_YML = Path.of("../gh-action/action.yml");

    final Path workspace;
    final Path runnerTemp;
    final Path outputFile;
    final Path summaryFile;
    final Path logs;

    ActionRunner(Path dir) throws IOException {
        this.workspace = Files.createDirectories(dir.resolve("workspace"));
        this.runnerTemp = Files.createDirectories(dir.resolve("runner-temp"));
        Path files = Files.createDirectories(dir.resolve("file-commands"));
        this.outputFile = Files.createFile(files.resolve("output"));
        this.summaryFile = Files.createFile(files.resolve("summary"));
        this.logs = Files.createDirectories(dir.resolve("logs"));
    }

    /** What one step left: exit code, stdout and stderr lines, and when it started. */
    record Step(int exit, List<String> stdout, String stderr, Instant started) {}

    Step run(Map<String, String> inputs, Map<String, String> runnerEnv) throws Exception {
        Instant started = Instant.now();
        Process p = start(inputs, runnerEnv);
        if (!p.waitFor(Duration.ofSeconds(120).toMillis(), TimeUnit.MILLISECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("the action did not finish in 120 s");
        }
        return new Step(
                p.exitValue(),
                Files.readAllLines(logs.resolve("stdout")),
                Files.readString(logs.resolve("stderr")),
                started);
    }

    /** Starts the step's process with the JVM flags {@code action.yml} uses; output to {@link #logs}. */
    Process start(Map<String, String> inputs, Map<String, String> runnerEnv) throws IOException {
        List<String> argv = new ArrayList<>(List.of("java"));
        argv.addAll(jvmFlags());
        argv.addAll(List.of("-jar", JAR.toAbsolutePath().toString()));
        ProcessBuilder pb = new ProcessBuilder(DefaultSignals.argv(argv));
        Map<String, String> env = pb.environment();
        env.clear();
        env.put("PATH", System.getenv("PATH"));
        env.put("HOME", System.getProperty("user.home"));
        env.put("GITHUB_ACTIONS", "true");
        env.put("GITHUB_OUTPUT", outputFile.toString());
        env.put("GITHUB_STEP_SUMMARY", summaryFile.toString());
        env.put("GITHUB_WORKSPACE", workspace.toString());
        env.put("RUNNER_TEMP", runnerTemp.toString());
        env.putAll(runnerEnv);
        Map<String, String> named = new HashMap<>();
        inputs.forEach((k, v) ->
                named.put("INPUT_" + k.toUpperCase(java.util.Locale.ROOT).replace('-', '_'), v));
        env.putAll(named);
        Path out = logs.resolve("stdout");
        Path err = logs.resolve("stderr");
        pb.directory(workspace.toFile()).redirectOutput(out.toFile()).redirectError(err.toFile());
        return pb.start();
    }

    /** The flags between {@code java} and {@code -jar} in action.yml's run line. */
    static List<String> jvmFlags() throws IOException {
        for (String line : Files.readAllLines(ACTION_YML)) {
            String l = line.strip();
            if (l.startsWith("run: exec java ")) {
                String flags = l.substring("run: exec java ".length(), l.indexOf(" -jar "));
                return List.of(flags.strip().split("\\s+"));
            }
        }
        throw new AssertionError("no 'run: exec java ... -jar' line in " + ACTION_YML);
    }
}

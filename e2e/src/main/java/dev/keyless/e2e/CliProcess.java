package dev.keyless.e2e;

import dev.keyless.testkit.CommandResult;
import dev.keyless.testkit.Commands;
import dev.keyless.testkit.DefaultSignals;
import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The built {@code keyless} jar run as a pipeline runs it: {@code java -XX:TieredStopAtLevel=1
 * -XX:+UseSerialGC -jar keyless.jar ...} (the flags the component, the Jenkins step and the action use) in its
 * own process, with only the variables a CI job would have (the test JVM's own environment, which
 * may itself be a CI job's, is not passed on).
 */
final class CliProcess {
    static final Path JAR = Path.of("../cli/target/keyless.jar");

    private CliProcess() {}

    /** The base of every job environment: PATH, HOME, locale. */
    static Map<String, String> baseEnv() {
        Map<String, String> env = new HashMap<>();
        for (String name : List.of("PATH", "HOME", "USER", "LANG", "JAVA_HOME")) {
            String value = System.getenv(name);
            if (value != null) {
                env.put(name, value);
            }
        }
        return env;
    }

    static List<String> argv(List<String> args) {
        List<String> argv = new ArrayList<>(List.of(
                "java",
                "-XX:TieredStopAtLevel=1",
                "-XX:+UseSerialGC",
                "-jar",
                JAR.toAbsolutePath().toString()));
        argv.addAll(args);
        return argv;
    }

    /** Runs to completion with exactly {@code env} (plus nothing else). */
    static CommandResult run(List<String> args, Map<String, String> env, Duration timeout) {
        Map<String, String> full = new HashMap<>();
        System.getenv().keySet().forEach(name -> full.put(name, null));
        full.putAll(env);
        return Commands.run(argv(args), full, timeout);
    }

    /** Starts without waiting, output to {@code log}; for a run that must be interrupted. */
    static Process start(List<String> args, Map<String, String> env, Path log) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(DefaultSignals.argv(argv(args)))
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        pb.environment().clear();
        pb.environment().putAll(env);
        return pb.start();
    }
}

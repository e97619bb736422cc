package dev.keyless.e2e;

import dev.keyless.testkit.DefaultSignals;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.yaml.snakeyaml.Yaml;

/**
 * Runs the action's jar step the way the runner runs a composite step of an action checked out
 * from its own repository: the published tree ({@code action.yml} with {@code keyless-action.jar}
 * beside it, as the release pushes it to {@code keyless-ssh-action}) copied to a directory of its
 * own, {@code GITHUB_ACTION_PATH} pointing at it, the step's {@code env:} mapping evaluated from
 * the inputs (and their defaults), and the step's {@code run:} script started with {@code bash
 * --noprofile --norc -e -o pipefail FILE} as {@code shell: bash} does; plus {@code GITHUB_OUTPUT}
 * and {@code GITHUB_STEP_SUMMARY} files, {@code GITHUB_WORKSPACE}, {@code RUNNER_TEMP} and the OIDC
 * request variables. Inputs are passed by name, as in a workflow's {@code with:}.
 */
final class ActionRunner {
    /** The tree the gh-action build lays out and the release publishes. */
    static final Path TREE = Path.of("../gh-action/target/keyless-ssh-action");

    static final Path JAR = TREE.resolve("keyless-action.jar");
    private static final Pattern INPUT_EXPRESSION = Pattern.compile("\\$\\{\\{ inputs\\.([a-z-]+) }}");

    final Path workspace;
    final Path runnerTemp;
    final Path outputFile;
    final Path summaryFile;
    final Path logs;
    /**
     * Where the step's script file goes. The runner writes it to RUNNER_TEMP and deletes it after
     * the step; here it stays outside, so the check that the action left RUNNER_TEMP empty
     * sees only what the action did.
     */
    final Path stepScripts;
    /** Where the runner would check the action out: {@code _actions/OWNER/REPO/REF}. */
    final Path actionPath;

    ActionRunner(Path dir) throws IOException {
        this.workspace = Files.createDirectories(dir.resolve("workspace"));
        this.runnerTemp = Files.createDirectories(dir.resolve("runner-temp"));
        Path files = Files.createDirectories(dir.resolve("file-commands"));
        this.outputFile = Files.createFile(files.resolve("output"));
        this.summaryFile = Files.createFile(files.resolve("summary"));
        this.logs = Files.createDirectories(dir.resolve("logs"));
        this.stepScripts = Files.createDirectories(dir.resolve("step-scripts"));
        this.actionPath = Files.createDirectories(dir.resolve("_actions/acme-corp/keyless-ssh-action/v1"));
        try (Stream<Path> published = Files.list(TREE)) {
            for (Path file : published.toList()) {
                Files.copy(file, actionPath.resolve(file.getFileName().toString()));
            }
        }
    }

    /** What one step left: exit code, stdout and stderr lines, and when it started. */
    record Step(int exit, List<String> stdout, String stderr, Instant started) {}

    Step run(Map<String, String> inputs, Map<String, String> runnerEnv) throws Exception {
        Instant started = Instant.now();
        Process p = start(inputs, runnerEnv);
        if (!p.waitFor(Duration.ofMinutes(2).toMillis(), TimeUnit.MILLISECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("the action did not finish in 120 s");
        }
        return new Step(
                p.exitValue(),
                Files.readAllLines(logs.resolve("stdout")),
                Files.readString(logs.resolve("stderr")),
                started);
    }

    /** Starts the jar step of the checked-out {@code action.yml}; output to {@link #logs}. */
    Process start(Map<String, String> inputs, Map<String, String> runnerEnv) throws IOException {
        Map<String, Object> action = new Yaml().load(Files.readString(actionPath.resolve("action.yml")));
        Map<String, String> stepEnv = stepEnv(action, jarStep(action), inputs);
        Map<String, Object> step = jarStep(action);
        if (!"bash".equals(step.get("shell"))) {
            throw new AssertionError("the jar step's shell is not bash: " + step.get("shell"));
        }
        Path script =
                Files.writeString(stepScripts.resolve(UUID.randomUUID() + ".sh"), String.valueOf(step.get("run")));
        ProcessBuilder pb = new ProcessBuilder(DefaultSignals.argv(
                List.of("bash", "--noprofile", "--norc", "-e", "-o", "pipefail", script.toString())));
        Map<String, String> env = pb.environment();
        env.clear();
        env.put("PATH", System.getenv("PATH"));
        env.put("HOME", System.getProperty("user.home"));
        env.put("GITHUB_ACTIONS", "true");
        env.put("GITHUB_ACTION_PATH", actionPath.toAbsolutePath().toString());
        env.put("GITHUB_OUTPUT", outputFile.toString());
        env.put("GITHUB_STEP_SUMMARY", summaryFile.toString());
        env.put("GITHUB_WORKSPACE", workspace.toString());
        env.put("RUNNER_TEMP", runnerTemp.toString());
        env.putAll(runnerEnv);
        env.putAll(stepEnv);
        Path out = logs.resolve("stdout");
        Path err = logs.resolve("stderr");
        pb.directory(workspace.toFile()).redirectOutput(out.toFile()).redirectError(err.toFile());
        return pb.start();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> jarStep(Map<String, Object> action) {
        List<Map<String, Object>> steps =
                (List<Map<String, Object>>) ((Map<String, Object>) action.get("runs")).get("steps");
        return steps.stream()
                .filter(s -> "keyless".equals(s.get("id")))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no step with id keyless in action.yml"));
    }

    /**
     * The step's {@code env:} as the runner evaluates it. Only {@code ${{ inputs.NAME }}} values
     * are understood; anything else fails the test rather than being passed on unevaluated.
     */
    @SuppressWarnings("unchecked")
    private static Map<String, String> stepEnv(
            Map<String, Object> action, Map<String, Object> step, Map<String, String> with) {
        Map<String, Map<String, Object>> declared = (Map<String, Map<String, Object>>) action.get("inputs");
        for (String name : with.keySet()) {
            if (!declared.containsKey(name)) {
                throw new AssertionError("input '" + name + "' is not declared in action.yml");
            }
        }
        Map<String, String> env = new LinkedHashMap<>();
        ((Map<String, Object>) step.get("env")).forEach((variable, value) -> {
            Matcher m = INPUT_EXPRESSION.matcher(String.valueOf(value));
            if (!m.matches()) {
                throw new AssertionError("unexpected expression in the step's env: " + value);
            }
            String name = m.group(1);
            Object fallback = declared.get(name).get("default");
            env.put(variable, with.getOrDefault(name, fallback == null ? "" : fallback.toString()));
        });
        return env;
    }
}

package dev.keyless.action;

import dev.keyless.action.runner.Inputs;
import dev.keyless.action.runner.Runner;
import dev.keyless.client.KeylessClient;
import dev.keyless.client.job.JobContext;
import dev.keyless.client.job.JobListener;
import dev.keyless.client.job.JobSpec;
import dev.keyless.client.job.KeylessJob;
import dev.keyless.client.job.ServerAccess;
import dev.keyless.client.secrets.JobSecrets;
import dev.keyless.client.token.PlatformTokenSource;
import dev.keyless.client.token.TokenSources;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * One run of the action: inputs, OIDC token, {@link KeylessJob}, the {@code run} commands, outputs,
 * summary, cleanup. Every failure becomes one {@code ::error} annotation and an exit code.
 */
final class KeylessAction {
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);

    private final Map<String, String> env;
    private final Runner runner;
    private final ActionFailures failures;
    private final Instant processStart;

    KeylessAction(Map<String, String> env, Runner runner, Instant processStart) {
        this.env = Map.copyOf(env);
        this.runner = runner;
        this.failures = new ActionFailures(runner, this.env);
        this.processStart = processStart;
    }

    int run() {
        // The runner masks it already; announcing it costs nothing and covers self-hosted oddities.
        runner.addMask(env.get("ACTIONS_ID_TOKEN_REQUEST_TOKEN"));
        ActionInputs in;
        try {
            in = ActionInputs.parse(new Inputs(env), workspace());
            if (!Files.isDirectory(in.workingDirectory())) {
                throw new IllegalArgumentException(
                        "input 'working-directory' is not a directory: " + in.workingDirectory());
            }
        } catch (IllegalArgumentException e) {
            return failures.report(e, null);
        }
        try {
            return runJob(in);
        } catch (InterruptedException e) {
            runner.error("Keyless: cancelled", "interrupted; sessions closed");
            return 130;
        } catch (RuntimeException e) {
            return failures.report(e, in.audience());
        }
    }

    private int runJob(ActionInputs in) throws InterruptedException {
        KeylessClient client = KeylessClient.builder(in.serviceUrl(), in.team())
                .env(env)
                .caBundle(optionalPath(env.get("KEYLESS_CA_BUNDLE")))
                .build();
        PlatformTokenSource source = TokenSources.fromEnv(env).named("github-actions");
        JobSpec spec = new JobSpec(
                in.connection(),
                in.audience(),
                in.role(),
                in.servers(),
                READY_TIMEOUT,
                tempRoot(optionalPath(env.get("RUNNER_TEMP"))));
        JobContext context = new JobContext(env, runner.masker(), listener());
        runner.debug("requesting the OIDC token for audience " + in.audience());
        KeylessJob job;
        runner.group("Keyless: SSH access to " + String.join(", ", in.servers()));
        try {
            job = KeylessJob.open(client, source, spec, context);
        } finally {
            runner.announceMasks();
            runner.endGroup();
        }
        try {
            Map<String, String> secretEnv = revealSecrets(client, job, in);
            publish(job);
            runner.debug("start to first command: "
                    + Duration.between(processStart, Instant.now()).toMillis() + " ms");
            Map<String, String> commandEnv = commandEnv();
            commandEnv.putAll(secretEnv);
            int exit = job.run(in.command(), commandEnv, in.workingDirectory());
            if (exit != 0) {
                runner.error("Keyless: run", "the run commands exited with " + exit);
            }
            return exit;
        } finally {
            runner.group("Keyless: cleanup");
            job.close();
            runner.endGroup();
        }
    }

    /**
     * Reveals the {@code secrets} input for the run commands only: the values go into their
     * environment (or the job's private directory), never into an output, the summary or
     * {@code GITHUB_ENV}; each value and each of its lines is announced with {@code ::add-mask::}
     * before the next line is printed.
     */
    private Map<String, String> revealSecrets(KeylessClient client, KeylessJob job, ActionInputs in) {
        if (in.secrets().isEmpty()) {
            return Map.of();
        }
        try {
            return JobSecrets.reveal(client, job.accessToken(), in.secrets(), job.directory(), runner.masker());
        } finally {
            runner.announceMasks();
        }
    }

    private void publish(KeylessJob job) {
        runner.info("Keyless: " + job.principal() + " (role " + job.role() + ") on "
                + job.servers().stream().map(ServerAccess::name).collect(Collectors.joining(", ")));
        runner.setOutput("principal", job.principal());
        runner.setOutput(
                "session-ids",
                job.servers().stream().map(ServerAccess::sessionId).collect(Collectors.joining(" ")));
        runner.appendSummary(StepSummary.markdown(job.role(), job.principal(), job.servers(), job.exchangeLatency()));
    }

    /** The step's environment without the action's own inputs. */
    private Map<String, String> commandEnv() {
        Map<String, String> out = new HashMap<>(env);
        out.keySet().removeIf(k -> k.startsWith("INPUT_"));
        return out;
    }

    private JobListener listener() {
        return new JobListener() {
            @Override
            public void step(String message, Duration took) {
                // A step may follow a new secret (token fetched, exchanged): announce before printing.
                runner.announceMasks();
                runner.debug(message + " (" + took.toMillis() + " ms)");
            }

            @Override
            public void warn(String message) {
                runner.announceMasks();
                runner.warning(message);
            }
        };
    }

    /**
     * {@code RUNNER_TEMP} (wiped by the runner after the job) when the agent socket path under it
     * fits the Unix socket limit (104 bytes on macOS, 108 on Linux), else {@code java.io.tmpdir}:
     * self-hosted runners often live in deep directories.
     */
    static Path tempRoot(Path runnerTemp) {
        // "/keyless-" + up to 20 digits + "/agent.sock"
        int suffix = 40;
        if (runnerTemp == null || runnerTemp.toAbsolutePath().toString().length() + suffix >= 104) {
            return null;
        }
        return runnerTemp;
    }

    private Path workspace() {
        Path ws = optionalPath(env.get("GITHUB_WORKSPACE"));
        return ws != null ? ws : Path.of("").toAbsolutePath();
    }

    private static Path optionalPath(String value) {
        return value == null || value.isBlank() ? null : Path.of(value);
    }
}

package dev.keyless.cli;

import dev.keyless.client.KeylessClient;
import dev.keyless.client.Masker;
import dev.keyless.client.job.JobContext;
import dev.keyless.client.job.JobSpec;
import dev.keyless.client.job.KeylessJob;
import dev.keyless.client.job.ServerAccess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Base of {@code exec} and {@code ssh}: open a {@link KeylessJob}, run one local command, clean up. */
abstract class JobCommand extends WorkloadCommand {
    @Option(
            names = "--ready-timeout",
            paramLabel = "SECONDS",
            defaultValue = "60",
            description = "How long to wait for each session to be READY (env KEYLESS_READY_TIMEOUT; default"
                    + " ${DEFAULT-VALUE}).")
    int readyTimeout;

    @Mixin
    AccessTokenSource accessToken;

    /** What this run asks for; the connection is needed only when the platform token is exchanged. */
    JobSpec jobSpec(List<String> targets) {
        Context ctx = ctx();
        String connection = accessToken.fromEnvironment(ctx).isPresent() ? token.connection : token.connection();
        return new JobSpec(
                connection,
                token.audience(service),
                token.role,
                targets,
                Duration.ofSeconds(readyTimeout),
                tempRoot(ctx));
    }

    int runJob(List<String> targets, List<String> argv) throws InterruptedException {
        Context ctx = ctx();
        // "at" minus the duration: JVM start until main; the duration: picocli and the options.
        ctx.debug("main -> command line parsed", Duration.ofNanos(System.nanoTime() - KeylessCli.mainStarted));
        JobSpec jobSpec = jobSpec(targets);
        long t0 = System.nanoTime();
        JobContext jobContext = new JobContext(ctx.env(), ctx.masker(), ctx.listener());
        KeylessClient client = client();
        try (KeylessJob job =
                KeylessJob.open(client, accessToken.supplier(this, client, jobSpec), jobSpec, jobContext)) {
            for (ServerAccess s : job.servers()) {
                ctx.debug(
                        "ready: " + s.name() + " -> " + s.principal() + "@" + s.address() + ":" + s.port() + " session "
                                + s.sessionId(),
                        Duration.ZERO);
            }
            beforeRun(job.servers());
            ctx.debug("start to first command", Duration.ofNanos(System.nanoTime() - t0));
            int exit = job.run(argv, commandEnvironment(job), null, outputMasker());
            ctx.debug("command exited with " + exit, Duration.ZERO);
            return exit;
        }
    }

    /** A last check of the sessions before the command runs; refuse by throwing. */
    void beforeRun(List<ServerAccess> servers) {}

    /** The wrapped command's environment beyond the job's own; {@code exec} adds its secrets. */
    Map<String, String> commandEnvironment(KeylessJob job) {
        return ctx().env();
    }

    /** Non-null when the wrapped command's output is to be masked ({@code exec --mask-output}). */
    Masker outputMasker() {
        return null;
    }

    /** {@code KEYLESS_TEMP_DIR}, else the runner's {@code RUNNER_TEMP}, else {@code java.io.tmpdir}. */
    static Path tempRoot(Context ctx) {
        for (String name : List.of("KEYLESS_TEMP_DIR", "RUNNER_TEMP")) {
            String dir = ctx.env().get(name);
            if (dir != null && !dir.isBlank()) {
                return Path.of(dir);
            }
        }
        return null;
    }
}

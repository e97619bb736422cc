package dev.keyless.client.job;

import dev.keyless.client.KeylessClient;
import dev.keyless.client.Masker;
import dev.keyless.client.token.PlatformTokenSource;
import dev.keyless.protocol.WorkloadRequests.AccessToken;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * One job's SSH access, from platform token to cleanup: {@link #open} fetches a fresh platform
 * token, exchanges it, and for each server generates an in-memory key, gets a certificate and waits
 * until the session is {@code READY}; then it starts the private ssh-agent and writes the job's
 * ssh files. {@link #run} runs a command with that environment. {@link #close} always closes every
 * session opened, stops the agent and deletes the private directory.
 *
 * <p>Cleanup also runs from a JVM shutdown hook, so it happens on SIGINT and SIGTERM too (a
 * cancelled GitHub Actions job gets SIGINT, then SIGTERM 7.5 s later, then SIGKILL): the hook stops
 * the running command, then closes sessions with a short retry budget that fits in that window.
 * SIGKILL cannot be handled; the sessions then end when their certificates expire. A signal
 * during {@link #open} is handled too: cleanup waits (briefly) for a certificate request in flight
 * and closes the session it created, and {@code open} stops at its next step. Whichever thread
 * starts cleanup first does it; the other waits for it, because the JVM halts as soon as the
 * shutdown hook returns.
 *
 * <p>Typical use:
 *
 * <pre>{@code
 * JobSpec spec = JobSpec.of("github", audience, "deployer", List.of("web-01"));
 * try (KeylessJob job = KeylessJob.open(client, source, spec, JobContext.of(System.getenv()))) {
 *     int exit = job.run(List.of("sh", "-c", "ssh web-01 uptime"), System.getenv(), null);
 * }
 * }</pre>
 *
 * <p>The parts, one job each: {@link JobExchange} (platform token to access token), {@link
 * JobAccess} (keys, certificates, sessions, ssh-agent, ssh files), {@link JobCommandRunner} (the
 * local command) and {@link JobCleanup} (who cleans up when, shutdown hook included).
 *
 * <p>Thread-safe for {@link #close()} (idempotent, callable from any thread); {@link #run} is
 * meant to be called from one thread at a time.
 */
public final class KeylessJob implements AutoCloseable {
    private final Path directory;
    private final JobListener listener;
    private final JobCommandRunner command = new JobCommandRunner();
    private final JobCleanup cleanup;
    private final JobAccess access;

    private volatile AccessToken accessToken;
    private volatile Duration exchangeLatency = Duration.ZERO;

    private KeylessJob(KeylessClient client, JobListener listener, Path directory) {
        this.directory = directory;
        this.listener = listener;
        this.cleanup = new JobCleanup(listener, command::stop, this::undo);
        this.access = new JobAccess(client, listener, directory, cleanup);
    }

    /**
     * Exchanges a fresh platform token and prepares SSH access to every server of {@code spec}.
     * On any failure, everything opened so far is cleaned up before the exception propagates.
     *
     * @param context the environment, the masker that learns every token, and the listener
     */
    public static KeylessJob open(KeylessClient client, PlatformTokenSource tokens, JobSpec spec, JobContext context)
            throws InterruptedException {
        return open(client, exchange(client, tokens, spec, context), spec, context);
    }

    /**
     * Prepares SSH access to every server of {@code spec} with the access token {@code
     * accessToken} supplies (called once, after the job's cleanup is in place): an exchange, or a
     * token an earlier {@code keyless authenticate} printed. On any failure, everything opened so
     * far is cleaned up before the exception propagates.
     */
    public static KeylessJob open(
            KeylessClient client, Supplier<AccessToken> accessToken, JobSpec spec, JobContext context)
            throws InterruptedException {
        KeylessJob job = new KeylessJob(client, context.listener(), TempDirs.create(spec.tempRoot()));
        job.cleanup.installShutdownHook();
        try {
            job.prepare(accessToken, spec, context);
            return job;
        } catch (RuntimeException | InterruptedException | Error e) {
            job.close();
            throw e;
        }
    }

    /** One exchange of a fresh platform token from {@code tokens}, with its steps reported. */
    public static Supplier<AccessToken> exchange(
            KeylessClient client, PlatformTokenSource tokens, JobSpec spec, JobContext context) {
        return JobExchange.of(client, tokens, spec, context);
    }

    private void prepare(Supplier<AccessToken> tokens, JobSpec spec, JobContext context) throws InterruptedException {
        access.generateEarly(spec.servers());
        long t0 = System.nanoTime();
        accessToken = tokens.get();
        context.masker().register(accessToken.accessToken());
        exchangeLatency = JobExchange.since(t0);
        access.start(accessToken.accessToken(), context.env().get("PATH"));
        access.addServers(spec.servers(), spec.readyTimeout());
    }

    /** What cleanup undoes once the command is stopped: the sessions, the agent, the directory. */
    private void undo() {
        access.close();
        try {
            TempDirs.delete(directory);
            listener.step("removed " + directory, Duration.ZERO);
        } catch (RuntimeException e) {
            listener.warn("could not remove " + directory + ": " + e.getMessage());
        }
    }

    /**
     * Certificates for more servers, each waited for until {@code READY}, then the ssh files
     * rewritten for all of them; servers the job already has are skipped. For a job that lives on
     * (the background agent of {@code keyless ssh-config}); call from one thread at a time.
     */
    public void addServers(List<String> names, Duration readyTimeout) throws InterruptedException {
        access.addServers(names, readyTimeout);
    }

    /**
     * Runs {@code command} with inherited stdin/stdout/stderr and {@code baseEnv} plus {@link
     * #environment()}, and returns its exit code (128 + signal if a signal ended it).
     *
     * @param workingDirectory null for the current directory
     */
    public int run(List<String> command, Map<String, String> baseEnv, Path workingDirectory)
            throws InterruptedException {
        return run(command, baseEnv, workingDirectory, null);
    }

    /**
     * As {@link #run(List, Map, Path)}, but with {@code outputMasker} not null the command's stdout
     * and stderr reach this JVM's through {@link dev.keyless.client.MaskingCopy} (each line masked),
     * for a log the platform itself cannot mask; stdin stays inherited. Returns once both are copied.
     */
    public int run(List<String> command, Map<String, String> baseEnv, Path workingDirectory, Masker outputMasker)
            throws InterruptedException {
        if (cleanup.closed()) {
            throw new IllegalStateException("the job is closed");
        }
        return this.command.run(command, environment(baseEnv), workingDirectory, outputMasker);
    }

    /** {@code name} as found on {@code path} (as execvp would), or unchanged when it has a slash or is not found. */
    static String onPath(String name, String path) {
        return JobCommandRunner.onPath(name, path);
    }

    /** {@code baseEnv} plus the variables that make ssh use this job's agent and files. */
    public Map<String, String> environment(Map<String, String> baseEnv) {
        return access.environment(baseEnv);
    }

    /** Only the variables this job adds: {@code SSH_AUTH_SOCK}, {@code KEYLESS_SSH_CONFIG}, ... */
    public Map<String, String> environment() {
        return access.environment();
    }

    /** The access token; a secret, for callers that make their own calls (never print it). */
    public String accessToken() {
        return accessToken.accessToken();
    }

    public String role() {
        return accessToken.role();
    }

    public String principal() {
        return accessToken.principal();
    }

    public List<ServerAccess> servers() {
        return access.servers();
    }

    /** From the first token fetch to the access token, retries included. */
    public Duration exchangeLatency() {
        return exchangeLatency;
    }

    /** The job's private directory (agent socket, ssh files); gone after {@link #close()}. */
    public Path directory() {
        return directory;
    }

    /** The job's {@code ssh_config}, for {@code ssh -F}. */
    public Path sshConfig() {
        return access.sshConfig();
    }

    /** Cleans up; idempotent. Never throws: problems go to the listener as warnings. */
    @Override
    public void close() {
        cleanup.close();
    }
}

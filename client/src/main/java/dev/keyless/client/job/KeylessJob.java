package dev.keyless.client.job;

import dev.keyless.client.KeylessClient;
import dev.keyless.client.Masker;
import dev.keyless.client.MaskingCopy;
import dev.keyless.client.http.RetryPolicy;
import dev.keyless.client.ssh.JobSshConfig;
import dev.keyless.client.ssh.SshAgent;
import dev.keyless.client.ssh.SshHost;
import dev.keyless.client.ssh.SshIdentity;
import dev.keyless.client.ssh.SshKey;
import dev.keyless.client.token.PlatformTokenSource;
import dev.keyless.protocol.WorkloadRequests.AccessToken;
import dev.keyless.protocol.WorkloadRequests.CertificateResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
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
 * <p>Thread-safe for {@link #close()} (idempotent, callable from any thread); {@link #run} is
 * meant to be called from one thread at a time.
 */
public final class KeylessJob implements AutoCloseable {
    /** How long the masked output may still drain after the command ended. */
    private static final Duration OUTPUT_DRAIN = Duration.ofSeconds(2);
    /** Cleanup retry budget: must finish well inside the 7.5 s between SIGINT and SIGTERM. */
    static final RetryPolicy CLEANUP_RETRY =
            new RetryPolicy(3, Duration.ofMillis(200), Duration.ofSeconds(1), Duration.ofSeconds(4));

    /**
     * How long a second closer (say, the shutdown hook) waits for the first one to finish: longer
     * than a whole cleanup (2 s to stop the command, 3 s for a request in flight, 4 s per session),
     * since a hook that stops waiting lets the JVM halt mid-cleanup.
     */
    static final Duration CLEANUP_WAIT = Duration.ofSeconds(30);

    /** How long cleanup waits for a certificate request in flight, so it can close that session too. */
    static final Duration IN_FLIGHT_WAIT = Duration.ofSeconds(3);

    private final KeylessClient client;
    private final JobListener listener;
    private final Path directory;
    private final List<ServerAccess> servers = new CopyOnWriteArrayList<>();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final CountDownLatch cleanedUp = new CountDownLatch(1);
    /** Held by each step of {@link #open} that creates something cleanup must undo. */
    private final ReentrantLock creating = new ReentrantLock();

    private final Thread shutdownHook;
    private volatile AccessToken accessToken;
    private volatile Duration exchangeLatency = Duration.ZERO;
    private volatile SshAgent agent;
    private volatile JobSshConfig sshFiles;
    private volatile Process running;
    private final List<SshHost> hosts = new CopyOnWriteArrayList<>();
    private final Set<String> hostCas = java.util.Collections.synchronizedSet(new LinkedHashSet<>());
    private volatile String path;
    /**
     * Keys generated while the exchange is under way (the first Ed25519 key pair of a JVM costs
     * tens of milliseconds of provider loading): off the path to the first command. In memory only.
     */
    private final Map<String, CompletableFuture<SshKey>> earlyKeys = new ConcurrentHashMap<>();

    private static final int EARLY_KEYS = 4;

    private KeylessJob(KeylessClient client, JobListener listener, Path directory) {
        this.client = client;
        this.listener = listener;
        this.directory = directory;
        this.shutdownHook = new Thread(this::cleanup, "keyless-cleanup");
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
        Runtime.getRuntime().addShutdownHook(job.shutdownHook);
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
        Objects.requireNonNull(spec.connection(), "an exchange needs the spec's connection");
        return () -> {
            JobListener listener = context.listener();
            long t0 = System.nanoTime();
            AccessToken at = client.authenticate(
                    spec.connection(),
                    () -> {
                        long f0 = System.nanoTime();
                        String token = context.masker().register(tokens.fetch(spec.audience()));
                        listener.step("platform token fetched from " + tokens.name(), since(f0));
                        return token;
                    },
                    spec.roleHint());
            context.masker().register(at.accessToken());
            listener.step(
                    "exchanged at connection " + spec.connection() + " for role " + at.role() + " (" + at.principal()
                            + ")",
                    since(t0));
            return at;
        };
    }

    private void prepare(Supplier<AccessToken> tokens, JobSpec spec, JobContext context) throws InterruptedException {
        Masker masker = context.masker();
        spec.servers().stream()
                .limit(EARLY_KEYS)
                .forEach(s -> earlyKeys.computeIfAbsent(s, KeylessJob::generateInBackground));
        long t0 = System.nanoTime();
        accessToken = tokens.get();
        masker.register(accessToken.accessToken());
        exchangeLatency = since(t0);
        agent = whileOpen(() -> SshAgent.start(directory.resolve("agent.sock")));
        path = context.env().get("PATH");
        addServers(spec.servers(), spec.readyTimeout());
    }

    /**
     * Certificates for more servers, each waited for until {@code READY}, then the ssh files
     * rewritten for all of them; servers the job already has are skipped. For a job that lives on
     * (the background agent of {@code keyless ssh-config}); call from one thread at a time.
     */
    public void addServers(List<String> names, Duration readyTimeout) throws InterruptedException {
        for (String server : names) {
            if (hosts.stream().anyMatch(h -> h.name().equals(server))) {
                continue;
            }
            long c0 = System.nanoTime();
            CompletableFuture<SshKey> early = earlyKeys.remove(server);
            SshKey key = early != null ? early.join() : SshKey.generate("keyless:" + server);
            CertificateResponse cert = whileOpen(() -> {
                CertificateResponse issued =
                        client.requestCertificate(accessToken.accessToken(), server, key.publicKeyLine());
                servers.add(new ServerAccess(
                        server,
                        issued.server().address(),
                        issued.server().port(),
                        issued.principal(),
                        issued.sessionId(),
                        issued.validBefore()));
                return issued;
            });
            listener.step("certificate for " + server + ", session " + cert.sessionId(), since(c0));
            long r0 = System.nanoTime();
            client.awaitReady(accessToken.accessToken(), cert.sessionId(), readyTimeout);
            listener.step("session " + cert.sessionId() + " READY", since(r0));
            SshIdentity identity = new SshIdentity(key, cert.certificate());
            agent.add(identity);
            hosts.add(new SshHost(server, cert.server().address(), cert.server().port(), cert.principal(), identity));
            if (cert.hostCaPublicKeys() != null) {
                hostCas.addAll(cert.hostCaPublicKeys());
            }
        }
        sshFiles = whileOpen(
                () -> JobSshConfig.write(directory, agent.socket(), List.copyOf(hosts), List.copyOf(hostCas), path));
    }

    private static CompletableFuture<SshKey> generateInBackground(String server) {
        CompletableFuture<SshKey> key = new CompletableFuture<>();
        Thread t = new Thread(
                () -> {
                    try {
                        key.complete(SshKey.generate("keyless:" + server));
                    } catch (RuntimeException | Error e) {
                        key.completeExceptionally(e);
                    }
                },
                "keyless-keygen");
        t.setDaemon(true);
        t.start();
        return key;
    }

    /**
     * One step of {@link #open} that creates something cleanup must undo, run under the lock
     * cleanup waits for (so a cleanup that starts meanwhile, SIGINT during open, sees what the step
     * created, a certificate request's session included) and only while the job is not closed.
     */
    private <T> T whileOpen(Supplier<T> step) {
        creating.lock();
        try {
            if (closed.get()) {
                throw new IllegalStateException("the job was closed while it was being opened (cancelled)");
            }
            return step.get();
        } finally {
            creating.unlock();
        }
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
     * and stderr reach this JVM's through {@link MaskingCopy} (each line masked), for a log the
     * platform itself cannot mask; stdin stays inherited. Returns once both are copied.
     */
    public int run(List<String> command, Map<String, String> baseEnv, Path workingDirectory, Masker outputMasker)
            throws InterruptedException {
        if (closed.get()) {
            throw new IllegalStateException("the job is closed");
        }
        Map<String, String> env = environment(baseEnv);
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
        } catch (java.io.IOException e) {
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
            stopCommand();
            throw e;
        } finally {
            running = null;
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

    /** {@code baseEnv} plus the variables that make ssh use this job's agent and files. */
    public Map<String, String> environment(Map<String, String> baseEnv) {
        Map<String, String> env = new LinkedHashMap<>(baseEnv);
        if (sshFiles != null) {
            env.putAll(sshFiles.environment(baseEnv.get("PATH")));
        } else if (agent != null) {
            env.put("SSH_AUTH_SOCK", agent.socket().toString());
        }
        return env;
    }

    /** Only the variables this job adds: {@code SSH_AUTH_SOCK}, {@code KEYLESS_SSH_CONFIG}, ... */
    public Map<String, String> environment() {
        return sshFiles == null ? Map.of() : sshFiles.environment(null);
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
        return List.copyOf(servers);
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
        return sshFiles == null ? null : sshFiles.configFile();
    }

    /** Cleans up; idempotent. Never throws: problems go to the listener as warnings. */
    @Override
    public void close() {
        cleanup();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException shuttingDown) {
            // Called from or during shutdown: the hook is running or has run.
        }
    }

    private void cleanup() {
        if (!closed.compareAndSet(false, true)) {
            awaitCleanup();
            return;
        }
        try {
            closeAll();
        } finally {
            cleanedUp.countDown();
        }
    }

    /**
     * Waits for the thread that won the race to finish cleaning up. The JVM halts as soon as its
     * shutdown hooks return, whatever other threads are doing: if the main thread began closing
     * (the command ended as the signal came, e.g. a Ctrl-C sent to the whole process group) and
     * the hook returned at once, the JVM stopped mid-request and the session stayed open.
     */
    private void awaitCleanup() {
        try {
            if (!cleanedUp.await(CLEANUP_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                listener.warn("cleanup still running after " + CLEANUP_WAIT.toSeconds() + " s; not waiting longer");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void closeAll() {
        stopCommand();
        boolean locked = awaitInFlight();
        try {
            closeSessionsAndFiles();
        } finally {
            if (locked) {
                creating.unlock();
            }
        }
    }

    /** Waits for a step of {@link #open} in flight (a certificate request); true if it now holds the lock. */
    private boolean awaitInFlight() {
        try {
            if (creating.tryLock(IN_FLIGHT_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                return true;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        listener.warn("a certificate request was still in flight after " + IN_FLIGHT_WAIT.toSeconds()
                + " s; its session, if one was created, ends when its certificate expires");
        return false;
    }

    private void closeSessionsAndFiles() {
        KeylessClient quick = client.withRetryPolicy(CLEANUP_RETRY);
        for (ServerAccess s : servers) {
            long t0 = System.nanoTime();
            try {
                quick.closeSession(accessToken.accessToken(), s.sessionId());
                listener.step("session " + s.sessionId() + " closed", since(t0));
            } catch (RuntimeException e) {
                listener.warn("could not close session " + s.sessionId() + " (it ends when its certificate"
                        + " expires): " + e.getMessage());
            }
        }
        if (agent != null) {
            try {
                agent.close();
            } catch (RuntimeException e) {
                listener.warn("could not stop the ssh-agent: " + e.getMessage());
            }
        }
        try {
            TempDirs.delete(directory);
            listener.step("removed " + directory, Duration.ZERO);
        } catch (RuntimeException e) {
            listener.warn("could not remove " + directory + ": " + e.getMessage());
        }
    }

    private void stopCommand() {
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

    private static Duration since(long nanoStart) {
        return Duration.ofNanos(System.nanoTime() - nanoStart);
    }
}

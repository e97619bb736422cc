package dev.keyless.client.job;

import static dev.keyless.client.job.JobExchange.since;

import dev.keyless.client.KeylessClient;
import dev.keyless.client.http.RetryPolicy;
import dev.keyless.client.ssh.JobSshConfig;
import dev.keyless.client.ssh.SshAgent;
import dev.keyless.client.ssh.SshHost;
import dev.keyless.client.ssh.SshIdentity;
import dev.keyless.client.ssh.SshKey;
import dev.keyless.protocol.WorkloadRequests.CertificateResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A job's SSH access with one access token: for each server an in-memory key, a certificate and a
 * session waited for until {@code READY}; the private ssh-agent holding the keys; the job's ssh
 * files in its private directory. {@link #close} closes every session opened and stops the agent.
 * {@link #addServers} from one thread at a time; the rest from any thread.
 */
final class JobAccess {
    /** Cleanup retry budget: must finish well inside the 7.5 s between SIGINT and SIGTERM. */
    static final RetryPolicy CLEANUP_RETRY =
            new RetryPolicy(3, Duration.ofMillis(200), Duration.ofSeconds(1), Duration.ofSeconds(4));

    private static final int EARLY_KEYS = 4;

    private final KeylessClient client;
    private final JobListener listener;
    private final Path directory;
    private final JobCleanup cleanup;
    private final List<ServerAccess> servers = new CopyOnWriteArrayList<>();
    private final List<SshHost> hosts = new CopyOnWriteArrayList<>();
    private final Set<String> hostCas = Collections.synchronizedSet(new LinkedHashSet<>());
    /**
     * Keys generated while the exchange is under way (the first Ed25519 key pair of a JVM costs
     * tens of milliseconds of provider loading): off the path to the first command. In memory only.
     */
    private final Map<String, CompletableFuture<SshKey>> earlyKeys = new ConcurrentHashMap<>();

    private volatile String accessToken;
    private volatile String path;
    private volatile SshAgent agent;
    private volatile JobSshConfig sshFiles;

    JobAccess(KeylessClient client, JobListener listener, Path directory, JobCleanup cleanup) {
        this.client = client;
        this.listener = listener;
        this.directory = directory;
        this.cleanup = cleanup;
    }

    /** Starts generating the keys of the first few of {@code names} in the background. */
    void generateEarly(List<String> names) {
        names.stream().limit(EARLY_KEYS).forEach(s -> earlyKeys.computeIfAbsent(s, JobAccess::generateInBackground));
    }

    /** Starts the ssh-agent; later calls use {@code accessToken} and {@code path} (the real ssh's PATH). */
    void start(String accessToken, String path) {
        this.accessToken = accessToken;
        this.path = path;
        agent = cleanup.whileOpen(() -> SshAgent.start(directory.resolve("agent.sock")));
    }

    /** See {@link KeylessJob#addServers}. */
    void addServers(List<String> names, Duration readyTimeout) throws InterruptedException {
        for (String server : names) {
            if (hosts.stream().anyMatch(h -> h.name().equals(server))) {
                continue;
            }
            long c0 = System.nanoTime();
            CompletableFuture<SshKey> early = earlyKeys.remove(server);
            SshKey key = early != null ? early.join() : SshKey.generate("keyless:" + server);
            CertificateResponse cert = cleanup.whileOpen(() -> {
                CertificateResponse issued = client.requestCertificate(accessToken, server, key.publicKeyLine());
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
            client.awaitReady(accessToken, cert.sessionId(), readyTimeout);
            listener.step("session " + cert.sessionId() + " READY", since(r0));
            SshIdentity identity = new SshIdentity(key, cert.certificate());
            agent.add(identity);
            hosts.add(new SshHost(server, cert.server().address(), cert.server().port(), cert.principal(), identity));
            if (cert.hostCaPublicKeys() != null) {
                hostCas.addAll(cert.hostCaPublicKeys());
            }
        }
        sshFiles = cleanup.whileOpen(
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

    /** {@code baseEnv} plus the variables that make ssh use this job's agent and files. */
    Map<String, String> environment(Map<String, String> baseEnv) {
        Map<String, String> env = new LinkedHashMap<>(baseEnv);
        if (sshFiles != null) {
            env.putAll(sshFiles.environment(baseEnv.get("PATH")));
        } else if (agent != null) {
            env.put("SSH_AUTH_SOCK", agent.socket().toString());
        }
        return env;
    }

    /** Only the variables this job adds. */
    Map<String, String> environment() {
        return sshFiles == null ? Map.of() : sshFiles.environment(null);
    }

    List<ServerAccess> servers() {
        return List.copyOf(servers);
    }

    Path sshConfig() {
        return sshFiles == null ? null : sshFiles.configFile();
    }

    /** Closes every session opened (short retries) and stops the agent; problems go to the listener. */
    void close() {
        KeylessClient quick = client.withRetryPolicy(CLEANUP_RETRY);
        for (ServerAccess s : servers) {
            long t0 = System.nanoTime();
            try {
                quick.closeSession(accessToken, s.sessionId());
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
    }
}

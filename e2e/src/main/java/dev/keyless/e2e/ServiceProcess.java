package dev.keyless.e2e;

import dev.keyless.testkit.service.TeamSetup;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;

/** The real service jar as a separate process on a loopback port, with the embedded database. */
final class ServiceProcess implements AutoCloseable {
    static final Path JAR = Path.of("../service/target/keyless-service.jar");

    private final Process process;
    private final int port;
    private final boolean https;
    private final String bootstrapToken;
    private final Path log;

    private ServiceProcess(Process process, int port, boolean https, String bootstrapToken, Path log) {
        this.process = process;
        this.port = port;
        this.https = https;
        this.bootstrapToken = bootstrapToken;
        this.log = log;
    }

    /**
     * The environment several processes of one deployment share: one master key, one bootstrap
     * token, and keys fetched from the loopback JWKS servers of the tests. Replicas and restarts
     * given the same map are the same service.
     */
    static Map<String, String> deploymentEnv() {
        byte[] master = new byte[32];
        byte[] token = new byte[32];
        SecureRandom random = new SecureRandom();
        random.nextBytes(master);
        random.nextBytes(token);
        Map<String, String> env = new java.util.HashMap<>();
        env.put("KEYLESS_MASTER_KEY", Base64.getEncoder().encodeToString(master));
        env.put(
                "KEYLESS_BOOTSTRAP_TOKEN",
                "kla_" + Base64.getUrlEncoder().withoutPadding().encodeToString(token));
        env.put("KEYLESS_JWKS_ALLOW_PRIVATE_ADDRESSES", "true");
        return env;
    }

    static ServiceProcess start(Path dir, Map<String, String> extraEnv) throws IOException, InterruptedException {
        return start(dir, extraEnv, java.util.List.of());
    }

    /**
     * Started through {@code launcher} (e.g. {@code prlimit --nofile=512:512 --}), which runs the
     * {@code java} command line it is given.
     */
    static ServiceProcess start(Path dir, Map<String, String> extraEnv, java.util.List<String> launcher)
            throws IOException, InterruptedException {
        int port = Ports.free();
        byte[] master = new byte[32];
        byte[] token = new byte[32];
        SecureRandom random = new SecureRandom();
        random.nextBytes(master);
        random.nextBytes(token);
        String bootstrap = "kla_" + Base64.getUrlEncoder().withoutPadding().encodeToString(token);
        Path log = dir.resolve("service.log");
        java.util.List<String> command = new java.util.ArrayList<>(launcher);
        command.addAll(java.util.List.of(
                "java", "-Xmx512m", "-jar", JAR.toAbsolutePath().toString()));
        ProcessBuilder pb =
                new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        Map<String, String> env = pb.environment();
        bootstrap = extraEnv.getOrDefault("KEYLESS_BOOTSTRAP_TOKEN", bootstrap);
        // With KEYLESS_TLS_CERT the service serves HTTPS only, on its SSL port; the caller's JVM must
        // trust the certificate (SSLContext.setDefault) for the health check.
        boolean https = extraEnv.containsKey("KEYLESS_TLS_CERT");
        env.put(https ? "MICRONAUT_SERVER_SSL_PORT" : "MICRONAUT_SERVER_PORT", Integer.toString(port));
        env.put("MICRONAUT_SERVER_HOST", "127.0.0.1");
        env.put(
                "KEYLESS_DATA_DIR",
                Files.createDirectories(dir.resolve("service-data")).toString());
        env.put("KEYLESS_BOOTSTRAP_TEAM", TeamSetup.TEAM);
        env.put("KEYLESS_BOOTSTRAP_TOKEN", bootstrap);
        env.put("KEYLESS_MASTER_KEY", Base64.getEncoder().encodeToString(master));
        // The scenarios' JWKS issuers listen on 127.0.0.1, which the service refuses by default.
        env.put("KEYLESS_JWKS_ALLOW_PRIVATE_ADDRESSES", "true");
        env.putAll(extraEnv);
        ServiceProcess service = new ServiceProcess(pb.start(), port, https, bootstrap, log);
        try {
            // Running the migrations took over a minute on a busy machine (on Galera, where every
            // DDL statement is replicated to each node).
            service.awaitHealthy(Duration.ofMinutes(3));
        } catch (IOException | InterruptedException | RuntimeException e) {
            // not left running when the caller never gets it to close
            service.kill();
            throw e;
        }
        return service;
    }

    private void awaitHealthy(Duration timeout) throws IOException, InterruptedException {
        HttpClient http = HttpClient.newHttpClient();
        Instant deadline = Instant.now().plus(timeout);
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the service exited: " + Files.readString(log));
            }
            try {
                HttpResponse<Void> r = http.send(
                        HttpRequest.newBuilder(uri().resolve("/health")).build(),
                        HttpResponse.BodyHandlers.discarding());
                if (r.statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("the service did not become healthy: " + Files.readString(log));
    }

    URI uri() {
        return URI.create((https ? "https" : "http") + "://127.0.0.1:" + port);
    }

    int port() {
        return port;
    }

    String bootstrapToken() {
        return bootstrapToken;
    }

    String log() throws IOException {
        return Files.readString(log);
    }

    /** The JVM's process id, for a {@code kill -9} from outside. */
    long pid() {
        return process.pid();
    }

    /** {@code kill -9}: no shutdown hook runs, nothing is flushed. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    @Override
    public void close() {
        try {
            process.destroy();
            if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

package dev.keyless.service.it;

import dev.keyless.testkit.service.TeamSetup;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The service as operators run it: {@code dev.keyless.service.Application} in its own JVM,
 * configured by environment variables only (so logback, TLS and the settings are read the way the
 * README says), its standard output and error in one file. H2 in its own data dir.
 */
final class ServiceProcess implements AutoCloseable {
    private final Process process;
    private final Path dataDir;
    private final Path log;
    private final int port;
    private final boolean https;
    private final String bootstrapToken;
    private final String masterKey;

    private ServiceProcess(
            Process process, Path dataDir, Path log, int port, boolean https, String bootstrapToken, String masterKey) {
        this.process = process;
        this.dataDir = dataDir;
        this.log = log;
        this.port = port;
        this.https = https;
        this.bootstrapToken = bootstrapToken;
        this.masterKey = masterKey;
    }

    static ServiceProcess start(Map<String, String> extraEnv) throws IOException, InterruptedException {
        Path dataDir = Files.createTempDirectory("keyless-proc");
        Path log = dataDir.resolveSibling(dataDir.getFileName() + ".log");
        SecureRandom random = new SecureRandom();
        byte[] master = new byte[32];
        random.nextBytes(master);
        byte[] token = new byte[32];
        random.nextBytes(token);
        String bootstrapToken = "kla_" + Base64.getUrlEncoder().withoutPadding().encodeToString(token);
        String masterKey = Base64.getEncoder().encodeToString(master);
        int port = freePort();
        boolean https = extraEnv.containsKey("KEYLESS_TLS_CERT");
        Map<String, String> env = new HashMap<>();
        env.put("KEYLESS_DATA_DIR", dataDir.toString());
        env.put("KEYLESS_MASTER_KEY", masterKey);
        env.put("KEYLESS_BOOTSTRAP_TEAM", TeamSetup.TEAM);
        env.put("KEYLESS_BOOTSTRAP_TOKEN", bootstrapToken);
        env.put("KEYLESS_JWKS_ALLOW_PRIVATE_ADDRESSES", "true");
        env.put("MICRONAUT_SERVER_HOST", "127.0.0.1");
        env.put(https ? "MICRONAUT_SERVER_SSL_PORT" : "MICRONAUT_SERVER_PORT", Integer.toString(port));
        env.putAll(extraEnv);
        String java = ProcessHandle.current().info().command().orElse("java");
        ProcessBuilder pb = new ProcessBuilder(
                        java, "-cp", System.getProperty("java.class.path"), "dev.keyless.service.Application")
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        pb.environment().keySet().removeIf(k -> k.startsWith("KEYLESS_") || k.startsWith("MICRONAUT_"));
        pb.environment().putAll(env);
        ServiceProcess service = new ServiceProcess(pb.start(), dataDir, log, port, https, bootstrapToken, masterKey);
        service.awaitStarted(Duration.ofMinutes(3));
        return service;
    }

    private void awaitStarted(Duration timeout) throws IOException, InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        while (Instant.now().isBefore(deadline)) {
            if (Files.exists(log) && Files.readString(log).contains("Startup completed")) {
                return;
            }
            if (!process.isAlive()) {
                throw new AssertionError("service exited " + process.exitValue() + ":\n" + Files.readString(log));
            }
            Thread.sleep(200);
        }
        throw new AssertionError("service did not start in " + timeout + ":\n" + Files.readString(log));
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
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

    String masterKey() {
        return masterKey;
    }

    Path dataDir() {
        return dataDir;
    }

    /** Everything the process wrote so far. */
    String log() throws IOException {
        return Files.readString(log);
    }

    @Override
    public void close() throws IOException {
        process.destroy();
        try {
            if (!process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        Files.deleteIfExists(log);
        try (Stream<Path> files = Files.walk(dataDir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}

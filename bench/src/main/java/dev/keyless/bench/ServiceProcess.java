package dev.keyless.bench;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The real service jar in its own JVM on a free loopback port, started with a bootstrap token and
 * master key that never leave this process' memory and the child's environment. Its output goes to
 * {@code service.log} in the data directory.
 */
final class ServiceProcess implements AutoCloseable {
    private final Process process;
    private final URI uri;
    private final Path log;

    private ServiceProcess(Process process, URI uri, Path log) {
        this.process = process;
        this.uri = uri;
        this.log = log;
    }

    record Launch(Path jar, List<String> jvmArgs, Path dataDir, String team, Map<String, String> environment) {}

    static ServiceProcess start(Launch launch, Secrets secrets) throws IOException, InterruptedException {
        int port = freePort();
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(launch.jvmArgs());
        command.add("-jar");
        command.add(launch.jar().toAbsolutePath().toString());
        Path log = launch.dataDir().resolve("service.log");
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .directory(launch.dataDir().toFile());
        Map<String, String> env = builder.environment();
        env.put("MICRONAUT_SERVER_PORT", Integer.toString(port));
        env.put("MICRONAUT_SERVER_HOST", "127.0.0.1");
        env.put("KEYLESS_DATA_DIR", launch.dataDir().toString());
        env.put("KEYLESS_BOOTSTRAP_TEAM", launch.team());
        env.put("KEYLESS_BOOTSTRAP_TOKEN", secrets.bootstrapToken());
        env.put("KEYLESS_MASTER_KEY", secrets.masterKey());
        // The bench's JWKS issuer listens on 127.0.0.1, which the service refuses by default.
        env.put("KEYLESS_JWKS_ALLOW_PRIVATE_ADDRESSES", "true");
        env.putAll(launch.environment());
        ServiceProcess service = new ServiceProcess(builder.start(), URI.create("http://127.0.0.1:" + port), log);
        try {
            service.awaitHealthy(Duration.ofMinutes(3));
        } catch (IOException | InterruptedException | RuntimeException e) {
            service.close(); // else a service that started too slowly outlives the benchmark
            throw e;
        }
        return service;
    }

    URI uri() {
        return uri;
    }

    long pid() {
        return process.pid();
    }

    /** Peak and current resident set size of the service JVM, in MiB, from /proc/<pid>/status. */
    ProcStats.Memory memory() throws IOException {
        return ProcStats.memory(process.pid());
    }

    private void awaitHealthy(Duration limit) throws IOException, InterruptedException {
        HttpClient http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(2))
                .build();
        HttpRequest health = HttpRequest.newBuilder(uri.resolve("/health"))
                .timeout(Duration.ofSeconds(5))
                .build();
        Instant deadline = Instant.now().plus(limit);
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IllegalStateException(
                        "the service exited with " + process.exitValue() + " during start-up:\n" + logTail());
            }
            try {
                if (http.send(health, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("the service did not become healthy within " + limit + ":\n" + logTail());
    }

    /** The last lines of the service's log (it never logs tokens or keys), for start-up failures. */
    private String logTail() throws IOException {
        List<String> lines = Files.readAllLines(log);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 25), lines.size()));
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    /** Ends the service: a normal shutdown first, then forcibly after ten seconds. */
    @Override
    public void close() {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, java.util.concurrent.TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    /** Deletes a directory tree, best effort. */
    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder())
                    .forEach(p -> p.toFile().delete());
        }
    }
}

package dev.keyless.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * What the fleet benchmark reads from the service besides {@code /proc}: its Prometheus text at
 * {@code /metrics} (with a random metrics token the benchmark gives the service; never printed),
 * the live heap after a full GC ({@code jcmd PID GC.run}, then the heap in use), and its open
 * sockets ({@code /proc/PID/fd}).
 */
final class ServiceMetrics {
    static final String TOKEN_VARIABLE = "KEYLESS_METRICS_TOKEN";

    private final URI metrics;
    private final String token;
    private final long pid;
    private final HttpClient http =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private ServiceMetrics(URI service, String token, long pid) {
        this.metrics = service.resolve("/metrics");
        this.token = token;
        this.pid = pid;
    }

    /** A fresh metrics token for the service's environment. */
    static String newToken() {
        byte[] bytes = new byte[24];
        new SecureRandom().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    static ServiceMetrics of(ServiceProcess service, String token) {
        return new ServiceMetrics(service.uri(), token, service.pid());
    }

    /** Every sample of the scrape, by its series ({@code name{labels}}) as the service writes it. */
    Map<String, Double> scrape() throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(metrics)
                .timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + token)
                .build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IllegalStateException("GET /metrics answered " + response.statusCode());
        }
        Map<String, Double> samples = new HashMap<>();
        response.body().lines().filter(l -> !l.startsWith("#") && !l.isBlank()).forEach(line -> {
            int space = line.lastIndexOf(' ');
            try {
                samples.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1)));
            } catch (NumberFormatException notANumber) {
                // NaN and friends are parsed by Double; anything else is no sample of ours
            }
        });
        return samples;
    }

    /** The sum of every series of {@code name} whose labels contain {@code labelPart} (may be empty). */
    static double sum(Map<String, Double> samples, String name, String labelPart) {
        return samples.entrySet().stream()
                .filter(e -> e.getKey().equals(name)
                        || (e.getKey().startsWith(name + "{") && e.getKey().contains(labelPart)))
                .mapToDouble(Map.Entry::getValue)
                .sum();
    }

    /** The service's heap in use right after a full GC, in MiB: its live data. */
    double liveHeapMiB() throws IOException, InterruptedException {
        Process gc = new ProcessBuilder(jcmd(), Long.toString(pid), "GC.run")
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        gc.waitFor();
        return sum(scrape(), "jvm_memory_used_bytes", "area=\"heap\"") / (1 << 20);
    }

    /** The service's open sockets (its connections, listening socket included). */
    long sockets() throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
            return fds.filter(fd -> {
                        try {
                            return Files.readSymbolicLink(fd).toString().startsWith("socket:");
                        } catch (IOException gone) {
                            return false;
                        }
                    })
                    .count();
        }
    }

    private static String jcmd() {
        Path sibling = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        return Files.isExecutable(sibling) ? sibling.toString() : "jcmd";
    }
}

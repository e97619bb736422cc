package dev.keyless.e2e;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A loopback HTTP forwarder in front of the real service that fails the first requests to one path
 * with the queued statuses (a 429 with {@code Retry-After}), then forwards everything. It records
 * every request to that path with its arrival time and the status it answered. An optional action
 * runs on each failure before it is answered, e.g. to rotate a token file between two attempts.
 */
final class FlakyForwarder implements AutoCloseable {
    /** One answer the forwarder gives instead of forwarding; {@code retryAfter} null for none. */
    record Failure(int status, String retryAfter) {}

    /** A request to the flaky path: when it arrived ({@link System#nanoTime()}) and its status. */
    record Seen(long at, int status) {}

    private static final Set<String> HOP_BY_HOP =
            Set.of("host", "connection", "content-length", "expect", "upgrade", "transfer-encoding", "keep-alive");

    final List<Seen> seen = new CopyOnWriteArrayList<>();
    private final Deque<Failure> failures;
    private final String flakyPath;
    private final URI target;
    private final HttpServer server;
    private final HttpClient http = HttpClient.newHttpClient();
    private final Runnable onFailure;

    FlakyForwarder(URI target, String flakyPath, List<Failure> failures) throws IOException {
        this(target, flakyPath, failures, () -> {});
    }

    /** @param onFailure runs on every failure before the failure is answered */
    FlakyForwarder(URI target, String flakyPath, List<Failure> failures, Runnable onFailure) throws IOException {
        this.target = target;
        this.onFailure = onFailure;
        this.flakyPath = flakyPath;
        this.failures = new ArrayDeque<>(failures);
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.start();
    }

    URI uri() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body = exchange.getRequestBody().readAllBytes();
            boolean flaky = exchange.getRequestURI().getRawPath().equals(flakyPath);
            Failure failure;
            synchronized (failures) {
                failure = flaky ? failures.poll() : null;
            }
            if (failure != null) {
                seen.add(new Seen(System.nanoTime(), failure.status()));
                onFailure.run();
                byte[] problem = ("{\"type\":\"about:blank\",\"title\":\"flaky\",\"status\":" + failure.status() + "}")
                        .getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().add("Content-Type", "application/problem+json");
                if (failure.retryAfter() != null) {
                    exchange.getResponseHeaders().add("Retry-After", failure.retryAfter());
                }
                exchange.sendResponseHeaders(failure.status(), problem.length);
                exchange.getResponseBody().write(problem);
                return;
            }
            HttpRequest.Builder request = HttpRequest.newBuilder(
                            target.resolve(exchange.getRequestURI().toString()))
                    .method(exchange.getRequestMethod(), HttpRequest.BodyPublishers.ofByteArray(body));
            exchange.getRequestHeaders().forEach((name, values) -> {
                if (!HOP_BY_HOP.contains(name.toLowerCase(Locale.ROOT))) {
                    values.forEach(v -> request.header(name, v));
                }
            });
            HttpResponse<byte[]> response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
            if (flaky) {
                seen.add(new Seen(System.nanoTime(), response.statusCode()));
            }
            response.headers().map().forEach((name, values) -> {
                if (!HOP_BY_HOP.contains(name.toLowerCase(Locale.ROOT)) && !name.startsWith(":")) {
                    values.forEach(v -> exchange.getResponseHeaders().add(name, v));
                }
            });
            byte[] answer = response.body();
            exchange.sendResponseHeaders(response.statusCode(), answer.length == 0 ? -1 : answer.length);
            exchange.getResponseBody().write(answer);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}

package dev.keyless.testkit.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * An HTTPS audit webhook for tests: the JDK's HttpsServer on 127.0.0.1 with a self-signed
 * certificate. It keeps every record of every batch it acknowledged, in arrival order, can refuse
 * the next batches with 503, can hold the next batch unanswered (its sender is then mid-batch, with
 * nothing acknowledged), and can be stopped and started again on the same port (a receiver that
 * dies mid-stream). Thread-safe.
 */
public final class WebhookReceiver implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final SelfSignedTls tls;
    private final String token;
    private final List<JsonNode> received = new ArrayList<>();
    private final AtomicInteger refuseNext = new AtomicInteger();
    private final AtomicInteger batches = new AtomicInteger();
    private final AtomicInteger unauthorized = new AtomicInteger();
    private final AtomicReference<Hold> hold = new AtomicReference<>();
    private final AtomicReference<Duration> stallNext = new AtomicReference<>();
    private int port;
    private volatile HttpsServer server;

    public WebhookReceiver(SelfSignedTls tls, String token) throws IOException {
        this.tls = tls;
        this.token = token;
        start();
    }

    public synchronized void start() throws IOException {
        server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(tls.serverContext()));
        server.createContext("/audit", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            int status;
            if (!("Bearer " + token).equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
                unauthorized.incrementAndGet();
                status = 401;
            } else if (refuseNext.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                status = 503;
            } else if (stalls(body)) {
                // answered later from another thread, so the receiver keeps serving others meanwhile
                Duration stall = stallNext.getAndSet(null);
                Thread late = new Thread(() -> {
                    try {
                        Thread.sleep(stall.toMillis());
                        accept(new String(body, StandardCharsets.UTF_8));
                        exchange.sendResponseHeaders(200, -1);
                    } catch (IOException | InterruptedException e) {
                        // the sender gave up: nothing kept, nothing answered
                    } finally {
                        exchange.close();
                    }
                });
                late.setDaemon(true);
                late.start();
                return;
            } else if (holds(body)) {
                Hold h = hold.get();
                h.arrived.complete(records(new String(body, StandardCharsets.UTF_8)));
                try {
                    h.release.await(120, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                // never acknowledged: the records are not kept
                status = 503;
            } else {
                accept(new String(body, StandardCharsets.UTF_8));
                status = 200;
            }
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
        });
        server.start();
        port = server.getAddress().getPort();
    }

    private boolean stalls(byte[] body) throws IOException {
        return stallNext.get() != null
                && records(new String(body, StandardCharsets.UTF_8)).stream().anyMatch(r -> "audit_event"
                        .equals(r.path("record_type").asText()));
    }

    /**
     * The next authorized batch that carries an event is answered 200 and kept only after {@code
     * stall} (a receiver stuck on it, which then gets through); other requests are served meanwhile.
     */
    public void stallNext(Duration stall) {
        stallNext.set(stall);
    }

    /** A hold is set and this batch carries an event (a batch of checkpoints only goes through). */
    private boolean holds(byte[] body) throws IOException {
        Hold h = hold.get();
        return h != null
                && !h.arrived.isDone()
                && records(new String(body, StandardCharsets.UTF_8)).stream().anyMatch(r -> "audit_event"
                        .equals(r.path("record_type").asText()));
    }

    private static List<JsonNode> records(String ndjson) throws IOException {
        List<JsonNode> batch = new ArrayList<>();
        for (String line : ndjson.split("\n", -1)) {
            if (!line.isBlank()) {
                batch.add(JSON.readTree(line));
            }
        }
        return batch;
    }

    private void accept(String ndjson) throws IOException {
        List<JsonNode> batch = records(ndjson);
        synchronized (received) {
            received.addAll(batch);
        }
        batches.incrementAndGet();
    }

    /**
     * Stops at once, as a receiver that died: connections in flight are dropped. Not synchronized:
     * {@code HttpServer.stop} joins the dispatcher, which may be in a handler adding to {@code
     * received}; holding a lock the handler needs would deadlock.
     */
    public void stop() {
        server.stop(0);
    }

    /** A batch held unanswered: {@code arrived} completes with its records when it comes in. */
    public record Hold(CompletableFuture<List<JsonNode>> arrived, CountDownLatch release) {}

    /**
     * Holds the next authorized batch that carries an event: it is read, not answered until {@link #release()}, then
     * answered 503 and not kept. While a batch is held no other request is served (the server has
     * one dispatcher thread).
     */
    public Hold holdNext() {
        Hold h = new Hold(new CompletableFuture<>(), new CountDownLatch(1));
        hold.set(h);
        return h;
    }

    /** Lets a held batch go (refused, not kept). */
    public void release() {
        Hold h = hold.getAndSet(null);
        if (h != null) {
            h.release.countDown();
        }
    }

    public void refuseNext(int n) {
        refuseNext.set(n);
    }

    public String url() {
        return "https://127.0.0.1:" + port + "/audit";
    }

    public List<JsonNode> received() {
        synchronized (received) {
            return List.copyOf(received);
        }
    }

    public int batches() {
        return batches.get();
    }

    public int unauthorized() {
        return unauthorized.get();
    }

    @Override
    public void close() {
        release();
        stop();
    }
}

package dev.keyless.bench;

import dev.keyless.agent.api.AgentKey;
import dev.keyless.agent.api.AgentRequestSigner;
import dev.keyless.agent.api.Json;
import dev.keyless.protocol.AgentRequests;
import dev.keyless.protocol.AgentRequests.AgentEvent;
import dev.keyless.protocol.AgentRequests.Ended;
import dev.keyless.protocol.AgentRequests.EventBatch;
import dev.keyless.protocol.AgentRequests.LiveSessions;
import dev.keyless.protocol.AgentRequests.Ready;
import dev.keyless.protocol.LiveSessionsDigest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * One host agent's traffic, shaped like the real agent's ({@code AgentLoop}): a signed long poll
 * ({@code GET /agents/events?after=SEQ&wait_seconds=N}) that is re-issued as soon as it is answered;
 * for each {@code session.start} a signed {@code POST .../ready}, for each {@code session.end} a
 * signed {@code POST .../ended}; then, on the same connection, {@code GET /agents/sessions} when the
 * answer's {@code live_sessions_digest} differs from the sessions it holds (and after a failed poll,
 * as the agent does on reconnect). Every request is signed afresh with the host agent's own {@link
 * AgentRequestSigner}. Requests are asynchronous, so thousands of agents need no thread each; an
 * agent's requests are strictly sequential, so it holds one connection, as the real agent does.
 */
final class SimulatedAgent {
    private final URI base;
    private final String teamPath;
    private final AgentRequestSigner signer;
    private final HttpClient http;
    private final Duration wait;
    private final FleetCounters counters;
    private final ScheduledExecutorService timer;
    private final Set<String> sessions = new HashSet<>();
    private long after;
    private boolean reconnected;
    private volatile boolean running = true;

    record Identity(String server, String agentId, AgentKey key) {}

    SimulatedAgent(
            URI base,
            String team,
            Identity identity,
            HttpClient http,
            Duration wait,
            FleetCounters counters,
            ScheduledExecutorService timer) {
        this.base = base;
        this.teamPath = "/v1/teams/" + team;
        this.signer =
                new AgentRequestSigner(identity.key(), identity.agentId(), team, identity.server(), Clock.systemUTC());
        this.http = http;
        this.wait = wait;
        this.counters = counters;
        this.timer = timer;
    }

    /** As the real agent: one reconcile at start, then the long poll. */
    void start() {
        // The handler is the end of the chain: it records a failure itself, so nothing waits on the result.
        var unused = reconcile().whenComplete((ok, failure) -> {
            if (failure != null) {
                counters.error("reconcile", failure);
            }
            poll();
        });
    }

    void stop() {
        running = false;
    }

    private void poll() {
        if (!running) {
            return;
        }
        String query = "?after=" + after + "&wait_seconds=" + wait.toSeconds();
        long sent = System.nanoTime();
        // As in start(): the last stage records a failure and schedules the next poll itself.
        var unused = send("GET", "/agents/events" + query, null, wait.plusSeconds(30))
                .thenCompose(response -> {
                    counters.polls.increment();
                    if (response.statusCode() != 200) {
                        return CompletableFuture.failedFuture(
                                new IllegalStateException("poll " + response.statusCode()));
                    }
                    EventBatch batch = read(response.body(), EventBatch.class);
                    if (batch.events().isEmpty()) {
                        long late = (System.nanoTime() - sent) / 1000 - wait.toNanos() / 1000;
                        counters.emptyPollLateMicros.recordValue(Math.max(0, Math.min(late, 120_000_000L)));
                    }
                    return apply(batch);
                })
                .whenComplete((ok, failure) -> {
                    if (failure == null) {
                        poll();
                    } else {
                        counters.error("poll", failure);
                        reconnected = true;
                        long backoff = 1_000 + ThreadLocalRandom.current().nextLong(250);
                        var unusedRetry = timer.schedule(this::poll, backoff, TimeUnit.MILLISECONDS);
                    }
                });
    }

    private CompletableFuture<Void> apply(EventBatch batch) {
        CompletableFuture<Void> chain = CompletableFuture.completedFuture(null);
        for (AgentEvent event : batch.events()) {
            after = Math.max(after, event.seq());
            String id = event.session().id();
            if (AgentRequests.SESSION_START.equals(event.type()) && sessions.add(id)) {
                chain = chain.thenCompose(x -> report("/agents/sessions/" + id + "/ready", new Ready(true, 1)));
            } else if (AgentRequests.SESSION_END.equals(event.type()) && sessions.remove(id)) {
                chain = chain.thenCompose(x -> report("/agents/sessions/" + id + "/ended", new Ended(true, 1)));
            }
        }
        String digest = batch.liveSessionsDigest();
        boolean differs = digest != null && !digest.equals(LiveSessionsDigest.of(sessions));
        if (differs || reconnected) {
            chain = chain.thenCompose(x -> reconcile());
        }
        return chain;
    }

    private CompletableFuture<Void> reconcile() {
        return send("GET", "/agents/sessions", null, Duration.ofSeconds(15)).thenAccept(response -> {
            counters.reconciles.increment();
            if (response.statusCode() != 200) {
                throw new IllegalStateException("sessions " + response.statusCode());
            }
            reconnected = false;
            Set<String> live = new HashSet<>();
            read(response.body(), LiveSessions.class).sessions().forEach(s -> live.add(s.id()));
            sessions.retainAll(live); // the real agent tears these down
        });
    }

    private CompletableFuture<Void> report(String path, Object body) {
        return send("POST", path, body, Duration.ofSeconds(15)).thenAccept(response -> {
            counters.reports.increment();
            if (response.statusCode() != 204) {
                throw new IllegalStateException(
                        path.substring(path.lastIndexOf('/') + 1) + " " + response.statusCode());
            }
        });
    }

    private CompletableFuture<HttpResponse<byte[]>> send(String method, String path, Object body, Duration timeout) {
        try {
            String target = teamPath + path;
            byte[] bytes = body == null ? new byte[0] : Json.MAPPER.writeValueAsBytes(body);
            HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(target))
                    .timeout(timeout)
                    .header("Accept", "application/json, application/problem+json")
                    .header("Authorization", signer.authorization(method, target, bytes));
            if (body == null) {
                request.method(method, HttpRequest.BodyPublishers.noBody());
            } else {
                request.header("Content-Type", "application/json")
                        .method(method, HttpRequest.BodyPublishers.ofByteArray(bytes));
            }
            return http.sendAsync(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (java.io.IOException | RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private static <T> T read(byte[] body, Class<T> type) {
        try {
            return Json.MAPPER.readValue(body, type);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("unreadable answer", e);
        }
    }
}

package dev.keyless.e2e;

import static dev.keyless.testkit.service.TeamSetup.T;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keyless.testkit.service.Api;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * Closed-loop workload traffic against one or more service replicas: each client exchanges a fresh
 * platform token, requests a certificate and closes the session, each step on the next replica in
 * turn. It remembers every answer, and for each success the ids the audit trail must then hold.
 */
final class WorkloadLoad {
    /** One exchange the client saw succeed: the platform token and the access token's id. */
    record Success(String platformToken, String accessTokenId) {}

    final Map<String, Map<Integer, Integer>> statuses = new ConcurrentHashMap<>();
    final Set<String> sessionsClosed = ConcurrentHashMap.newKeySet();
    final Set<String> certificatesIssued = ConcurrentHashMap.newKeySet();
    final ConcurrentLinkedQueue<Success> exchanged = new ConcurrentLinkedQueue<>();
    final ConcurrentLinkedQueue<String> serverFaults = new ConcurrentLinkedQueue<>();
    private final List<Api> replicas;
    private final Supplier<String> platformTokens;
    private final String publicKey;
    private final boolean fullFlow;
    private final String connection;
    private final AtomicBoolean stop = new AtomicBoolean();

    /**
     * Exchanges tokens from {@code platformTokens} on {@code connection}; with {@code fullFlow}, each
     * also gets a certificate for {@code web-01} for {@code publicKey} and closes its session.
     */
    WorkloadLoad(
            List<Api> replicas,
            Supplier<String> platformTokens,
            String publicKey,
            boolean fullFlow,
            String connection) {
        this.replicas = List.copyOf(replicas);
        this.platformTokens = platformTokens;
        this.publicKey = publicKey;
        this.fullFlow = fullFlow;
        this.connection = connection;
    }

    /** Runs {@code clients} loops until {@link #stop()} or {@code duration} passes; returns when all ended. */
    Thread start(int clients, Duration duration) {
        CountDownLatch done = new CountDownLatch(clients);
        for (int i = 0; i < clients; i++) {
            int client = i;
            Thread t = new Thread(
                    () -> {
                        long end = System.nanoTime() + duration.toNanos();
                        int turn = client;
                        try {
                            while (!stop.get() && System.nanoTime() < end) {
                                oneFlow(turn++);
                            }
                        } finally {
                            done.countDown();
                        }
                    },
                    "load-" + i);
            t.setDaemon(true);
            t.start();
        }
        Thread waiter = new Thread(() -> {
            try {
                done.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        waiter.start();
        return waiter;
    }

    void stop() {
        stop.set(true);
    }

    private void oneFlow(int turn) {
        String token = platformTokens.get();
        Api.Response auth = call(
                "authenticate",
                turn,
                api -> api.post(T + "/workload/authenticate", null, Map.of("connection", connection, "token", token)));
        if (auth == null || auth.status() != 200) {
            return;
        }
        String accessToken = auth.json().get("access_token").asText();
        exchanged.add(new Success(token, tokenId(accessToken)));
        if (!fullFlow) {
            return;
        }
        Api.Response cert = call(
                "certificate",
                turn + 1,
                api -> api.post(
                        T + "/ssh/certificates", accessToken, Map.of("server", "web-01", "public_key", publicKey)));
        if (cert == null || (cert.status() != 201 && cert.status() != 200)) {
            return;
        }
        String session = cert.json().get("session_id").asText();
        certificatesIssued.add(session);
        Api.Response close =
                call("close", turn, api -> api.post(T + "/sessions/" + session + "/close", accessToken, null));
        if (close != null && close.status() == 200) {
            sessionsClosed.add(session);
        }
    }

    private Api.Response call(String step, int turn, java.util.function.Function<Api, Api.Response> request) {
        Api api = replicas.get(Math.floorMod(turn, replicas.size()));
        Api.Response r;
        try {
            r = request.apply(api);
        } catch (AssertionError e) {
            // the replica went away mid-request (the crash scenario kills it): not an answer
            statuses.computeIfAbsent(step, s -> new ConcurrentHashMap<>()).merge(-1, 1, Integer::sum);
            return null;
        }
        statuses.computeIfAbsent(step, s -> new ConcurrentHashMap<>()).merge(r.status(), 1, Integer::sum);
        if (r.status() >= 500) {
            serverFaults.add(step + " " + r.status() + " " + r.body());
        }
        return r;
    }

    int count(String step, int status) {
        return statuses.getOrDefault(step, Map.of()).getOrDefault(status, 0);
    }

    /** The access token's {@code jti}, which the audit event of its exchange carries as {@code token_id}. */
    static String tokenId(String accessToken) {
        String payload = accessToken.split("\\.", -1)[1];
        JsonNode claims = new Api.Response(
                        200,
                        "",
                        new String(Base64.getUrlDecoder().decode(payload), java.nio.charset.StandardCharsets.UTF_8))
                .json();
        return claims.get("jti").asText();
    }

    /** Every event of {@code type} in the team's trail, paged by sequence number. */
    static List<JsonNode> auditEvents(Api api, String auditor, String type) {
        List<JsonNode> events = new ArrayList<>();
        long after = 0;
        while (true) {
            Api.Response r = api.get(T + "/audit?type=" + type + "&limit=1000&after_seq=" + after, auditor);
            if (r.status() != 200) {
                throw new AssertionError("audit query failed: " + r.body());
            }
            JsonNode page = r.json().get("events");
            page.forEach(events::add);
            if (page.size() < 1000) {
                return events;
            }
            after = page.get(page.size() - 1).get("seq").asLong();
        }
    }

    /** The {@code field} of every successful event of {@code type}: token ids, session ids. */
    static Set<String> successIds(Api api, String auditor, String type, String field) {
        return auditEvents(api, auditor, type).stream()
                .filter(e -> "success".equals(e.path("outcome").asText()))
                .map(e -> e.get(field).asText())
                .collect(java.util.stream.Collectors.toSet());
    }
}

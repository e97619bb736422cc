package dev.keyless.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keyless.agent.api.AgentKey;
import dev.keyless.agent.api.AgentVersion;
import dev.keyless.agent.api.Json;
import dev.keyless.protocol.AgentRequests.Enroll;
import dev.keyless.protocol.AgentRequests.Enrolled;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.HdrHistogram.Histogram;

/**
 * Puts servers and their agents into the team as an operator would: in bulk ({@code POST
 * /servers/bulk} in chunks (of 1000 by default), one {@code POST /servers/enrollment-tokens} per chunk by its
 * label, then {@code POST /agents/enroll} per agent from several threads), or one at a time (create,
 * token, enrol, in sequence, each server timed). Each agent gets its own Ed25519 agent key and host
 * key, as {@code keyless-agent enroll} makes them.
 */
final class Onboarding {

    private final URI team;
    private final String teamName;
    private final String devops;
    private final HttpClient http;
    private final int chunk;

    record Timed(List<SimulatedAgent.Identity> agents, double seconds, Histogram perServerMicros) {}

    Onboarding(URI service, String team, String devops, HttpClient http, int chunk) {
        this.chunk = chunk;
        this.team = service.resolve("/v1/teams/" + team + "/");
        this.teamName = team;
        this.devops = devops;
        this.http = http;
    }

    /** Creates {@code count} servers in bulk, timed, then mints tokens and enrols them (timed apart). */
    Timed bulk(String prefix, int count, Map<String, Double> seconds) throws Exception {
        long started = System.nanoTime();
        List<String> names = new ArrayList<>();
        for (int from = 0; from < count; from += chunk) {
            List<Map<String, Object>> specs = new ArrayList<>();
            for (int i = from; i < Math.min(count, from + chunk); i++) {
                String name = prefix + i;
                names.add(name);
                specs.add(Map.of(
                        "name", name, "address", "127.0.0.1", "labels", Map.of("env", "prod", "chunk", prefix + from)));
            }
            post("servers/bulk", devops, Map.of("servers", specs), 201);
        }
        seconds.put("create", (System.nanoTime() - started) / 1e9);
        long tokensStarted = System.nanoTime();
        Map<String, String> tokens = new java.util.HashMap<>();
        for (int from = 0; from < count; from += chunk) {
            JsonNode minted = post(
                    "servers/enrollment-tokens",
                    devops,
                    Map.of("selector", Map.of("labels", Map.of("chunk", prefix + from))),
                    201);
            minted.forEach(
                    t -> tokens.put(t.get("server").asText(), t.get("token").asText()));
        }
        seconds.put("tokens", (System.nanoTime() - tokensStarted) / 1e9);
        long enrolStarted = System.nanoTime();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<SimulatedAgent.Identity>> enrolled = new ArrayList<>();
            for (String name : names) {
                enrolled.add(pool.submit(() -> enroll(name, tokens.get(name))));
            }
            List<SimulatedAgent.Identity> agents = new ArrayList<>();
            for (Future<SimulatedAgent.Identity> f : enrolled) {
                agents.add(f.get());
            }
            seconds.put("enrol", (System.nanoTime() - enrolStarted) / 1e9);
            return new Timed(agents, (System.nanoTime() - started) / 1e9, null);
        } finally {
            pool.shutdownNow();
        }
    }

    /** Onboards {@code count} servers one after the other: create, token, enrol; each timed. */
    Timed oneByOne(String prefix, int count) throws Exception {
        Histogram micros = new Histogram(60_000_000L, 3);
        List<SimulatedAgent.Identity> agents = new ArrayList<>();
        long started = System.nanoTime();
        for (int i = 0; i < count; i++) {
            long one = System.nanoTime();
            String name = prefix + i;
            post("servers", devops, Map.of("name", name, "address", "127.0.0.1", "labels", Map.of("env", "prod")), 201);
            String token = post("servers/" + name + "/enrollment-tokens", devops, null, 201)
                    .get("token")
                    .asText();
            agents.add(enroll(name, token));
            micros.recordValue(Math.min(60_000_000L, (System.nanoTime() - one) / 1000));
        }
        return new Timed(agents, (System.nanoTime() - started) / 1e9, micros);
    }

    private SimulatedAgent.Identity enroll(String server, String token) throws IOException, InterruptedException {
        AgentKey key = AgentKey.generate();
        String hostKey = AgentKey.generate().publicKeyLine().replace("keyless-agent", "host");
        JsonNode answer = post(
                "agents/enroll",
                null,
                new Enroll(server, token, key.publicKeyLine(), hostKey, AgentVersion.CURRENT),
                201);
        Enrolled enrolled = Json.MAPPER.treeToValue(answer, Enrolled.class);
        return new SimulatedAgent.Identity(server, enrolled.agentId(), key);
    }

    private JsonNode post(String path, String bearer, Object body, int expected)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(team.resolve(path))
                .timeout(Duration.ofMinutes(2))
                .header("Accept", "application/json");
        if (bearer != null) {
            request.header("Authorization", "Bearer " + bearer);
        }
        if (body == null) {
            request.POST(HttpRequest.BodyPublishers.noBody());
        } else {
            request.header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(Json.MAPPER.writeValueAsBytes(body)));
        }
        HttpResponse<byte[]> response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        JsonNode json = response.body().length == 0 ? Json.MAPPER.nullNode() : Json.MAPPER.readTree(response.body());
        if (response.statusCode() != expected) {
            // The problem's slug and detail never carry a token.
            throw new IllegalStateException("POST " + path + " answered " + response.statusCode() + " "
                    + json.path("check").asText("") + " " + json.path("detail").asText("") + " (team " + teamName
                    + ")");
        }
        return json;
    }
}

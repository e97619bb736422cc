package dev.keyless.e2e;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.keyless.testkit.service.TeamSetup;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * GitHub's {@code ACTIONS_ID_TOKEN_REQUEST_URL} on 127.0.0.1: checks {@code Authorization: bearer
 * <request token>} and answers {@code {"value": <signed GitHub-shaped token for the audience>}}.
 * Remembers every token it handed out, so the scenario can look for them in the step's traces.
 */
final class OidcRequestEndpoint implements AutoCloseable {
    final String requestToken = "ghs_req_" + UUID.randomUUID().toString().replace("-", "");
    final List<String> issued = new CopyOnWriteArrayList<>();
    final List<String> audiences = new CopyOnWriteArrayList<>();
    private final HttpServer server;

    OidcRequestEndpoint(TeamSetup team) throws IOException {
        server = HttpServer.create(new InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/_apis/distributedtask/token", exchange -> handle(exchange, team));
        server.start();
    }

    /** Like the real URL, it already has a query, so clients must append {@code &audience=}. */
    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/_apis/distributedtask/token?api-version=2.0";
    }

    Map<String, String> env() {
        return Map.of("ACTIONS_ID_TOKEN_REQUEST_URL", url(), "ACTIONS_ID_TOKEN_REQUEST_TOKEN", requestToken);
    }

    private void handle(HttpExchange exchange, TeamSetup team) throws IOException {
        try (exchange) {
            String auth = exchange.getRequestHeaders().getFirst("Authorization");
            String audience = audience(exchange.getRequestURI().getRawQuery());
            if (!("bearer " + requestToken).equals(auth) || audience == null) {
                respond(exchange, 401, "{\"message\":\"Bad credentials\"}");
                return;
            }
            audiences.add(audience);
            String token = team.githubToken(Map.of("aud", audience));
            issued.add(token);
            respond(exchange, 200, "{\"count\":1,\"value\":\"" + token + "\"}");
        }
    }

    private static String audience(String query) {
        for (String pair : query == null ? new String[0] : query.split("&")) {
            if (pair.startsWith("audience=")) {
                return URLDecoder.decode(pair.substring("audience=".length()), StandardCharsets.UTF_8);
            }
        }
        return null;
    }

    private static void respond(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}

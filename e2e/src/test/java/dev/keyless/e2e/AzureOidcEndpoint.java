package dev.keyless.e2e;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/**
 * Azure DevOps' job OIDC endpoint ({@code System.OidcRequestUri}) on loopback, checking what the
 * real one checks: {@code POST .../hubs/build/plans/<plan>/jobs/<job>/oidctoken?api-version=...}
 * with {@code Authorization: Bearer <System.AccessToken>} (else 401), an {@code api-version}
 * (else 400), and, when a {@code serviceConnectionId} is given, one that exists (else 400). The
 * answer is {@code {"oidcToken": JWT}}: for a service connection, the {@code sc://} token federated
 * credentials are made for; without one, the pipeline's own {@code p://} token. Remembers each
 * answered request's service connection and each token handed out.
 */
final class AzureOidcEndpoint implements AutoCloseable {
    final String accessToken;
    final String serviceConnectionId = UUID.randomUUID().toString();
    /** The service connection of each answered request; empty for a pipeline token. */
    final List<Optional<String>> serviceConnections = new CopyOnWriteArrayList<>();

    final List<String> issued = new CopyOnWriteArrayList<>();
    private final HttpServer server;
    private final Function<Optional<String>, String> mint;
    private final String path;

    /**
     * @param mint the token for a request naming this service connection, or for the pipeline
     *     itself (empty)
     */
    AzureOidcEndpoint(String organization, Function<Optional<String>, String> mint) throws IOException {
        byte[] random = new byte[32];
        new SecureRandom().nextBytes(random);
        this.accessToken = "ado_" + Base64.getUrlEncoder().withoutPadding().encodeToString(random);
        this.mint = mint;
        this.path = "/" + organization + "/" + UUID.randomUUID() + "/_apis/distributedtask/hubs/build/plans/"
                + UUID.randomUUID() + "/jobs/" + UUID.randomUUID() + "/oidctoken";
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext(path, this::handle);
        server.start();
    }

    /** The value of {@code SYSTEM_OIDCREQUESTURI}: no query, like the agent's. */
    String requestUri() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            exchange.getRequestBody().readAllBytes();
            if (!exchange.getRequestURI().getPath().equals(path)) {
                respond(exchange, 404, "{\"message\":\"not found\"}");
                return;
            }
            if (!exchange.getRequestMethod().equals("POST")) {
                respond(
                        exchange,
                        405,
                        "{\"message\":\"The requested resource does not support http method '"
                                + exchange.getRequestMethod() + "'.\"}");
                return;
            }
            if (!("Bearer " + accessToken).equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
                respond(exchange, 401, "{\"message\":\"unauthorized\"}");
                return;
            }
            Map<String, String> query =
                    QueryString.parse(exchange.getRequestURI().getRawQuery());
            if (query.get("api-version") == null || query.get("api-version").isEmpty()) {
                respond(exchange, 400, "{\"message\":\"No api-version was supplied for the POST request.\"}");
                return;
            }
            Optional<String> connection = Optional.ofNullable(query.get("serviceConnectionId"));
            if (connection.isPresent() && !connection.get().equals(serviceConnectionId)) {
                respond(exchange, 400, "{\"message\":\"service connection not found\"}");
                return;
            }
            serviceConnections.add(connection);
            String token = mint.apply(connection);
            issued.add(token);
            respond(exchange, 200, "{\"oidcToken\":\"" + token + "\"}");
        }
    }

    private static void respond(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json; charset=utf-8");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}

package dev.keyless.e2e;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/**
 * The Actions runner's OIDC endpoint on loopback: {@code GET <url>&audience=AUD} with {@code
 * Authorization: bearer <request token>} answers {@code {"value": <JWT>}} minted for that audience.
 * Remembers every audience asked for and every token handed out.
 */
final class GitHubTokenEndpoint implements AutoCloseable {
    final String requestToken;
    final List<String> audiences = new CopyOnWriteArrayList<>();
    final List<String> issued = new CopyOnWriteArrayList<>();
    private final HttpServer server;
    private final Function<String, String> mint;

    GitHubTokenEndpoint(Function<String, String> mint) throws IOException {
        byte[] random = new byte[24];
        new SecureRandom().nextBytes(random);
        this.requestToken = "ghrt_" + Base64.getUrlEncoder().withoutPadding().encodeToString(random);
        this.mint = mint;
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/_apis/distributedtask/token", this::handle);
        server.start();
    }

    /** The value of {@code ACTIONS_ID_TOKEN_REQUEST_URL}, already with a query like the runner's. */
    String requestUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/_apis/distributedtask/token?api-version=2.0";
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String auth = exchange.getRequestHeaders().getFirst("Authorization");
            if (auth == null || !auth.equalsIgnoreCase("bearer " + requestToken)) {
                exchange.sendResponseHeaders(401, -1);
                return;
            }
            String audience = null;
            String query = exchange.getRequestURI().getRawQuery();
            for (String pair : query == null ? new String[0] : query.split("&")) {
                if (pair.startsWith("audience=")) {
                    audience = URLDecoder.decode(pair.substring("audience=".length()), StandardCharsets.UTF_8);
                }
            }
            audiences.add(String.valueOf(audience));
            String token = mint.apply(audience);
            issued.add(token);
            byte[] body = ("{\"count\":1,\"value\":\"" + token + "\"}").getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}

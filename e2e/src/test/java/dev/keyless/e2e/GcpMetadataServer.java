package dev.keyless.e2e;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiFunction;

/**
 * The GCE metadata server's identity endpoint on loopback, checking what the real one checks:
 * {@code GET /computeMetadata/v1/instance/service-accounts/default/identity?audience=AUD[&format=full]}
 * needs {@code Metadata-Flavor: Google} (else 403), refuses a request carrying {@code
 * X-Forwarded-For} (403, the server's guard against proxied requests) and needs a non-empty {@code
 * audience} (else 400). The answer is the bare JWT, {@code text/html} as the real server labels it.
 * Remembers each request's audience and format and each token handed out.
 */
final class GcpMetadataServer implements AutoCloseable {
    static final String IDENTITY_PATH = "/computeMetadata/v1/instance/service-accounts/default/identity";

    /** One identity request that was answered with a token. */
    record Request(String audience, String format) {}

    final List<Request> requests = new CopyOnWriteArrayList<>();
    final List<String> issued = new CopyOnWriteArrayList<>();
    private final HttpServer server;
    private final BiFunction<String, Boolean, String> mint;

    /** @param mint the token for (audience, whether {@code format=full} was asked for) */
    GcpMetadataServer(BiFunction<String, Boolean, String> mint) throws IOException {
        this.mint = mint;
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext(IDENTITY_PATH, this::handle);
        server.start();
    }

    /** The value of {@code GCE_METADATA_HOST}: {@code host:port}, no scheme. */
    String host() {
        return "127.0.0.1:" + server.getAddress().getPort();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (!exchange.getRequestURI().getPath().equals(IDENTITY_PATH)) {
                respond(exchange, 404, "Not Found");
                return;
            }
            if (!exchange.getRequestMethod().equals("GET")) {
                respond(exchange, 405, "Method Not Allowed");
                return;
            }
            if (!"Google".equals(exchange.getRequestHeaders().getFirst("Metadata-Flavor"))) {
                respond(exchange, 403, "Missing Metadata-Flavor:Google header.");
                return;
            }
            if (exchange.getRequestHeaders().containsKey("X-Forwarded-For")) {
                respond(exchange, 403, "Forbidden");
                return;
            }
            Map<String, String> query =
                    QueryString.parse(exchange.getRequestURI().getRawQuery());
            String audience = query.get("audience");
            if (audience == null || audience.isEmpty()) {
                respond(exchange, 400, "non-empty audience parameter required");
                return;
            }
            String format = query.getOrDefault("format", "standard");
            requests.add(new Request(audience, format));
            String token = mint.apply(audience, format.equals("full"));
            issued.add(token);
            respond(exchange, 200, token);
        }
    }

    private static void respond(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "text/html");
        exchange.getResponseHeaders().add("Metadata-Flavor", "Google");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}

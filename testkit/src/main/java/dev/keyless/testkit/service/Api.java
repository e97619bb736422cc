package dev.keyless.testkit.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** Raw JSON over HTTP, for admin calls and for sending the service deliberately bad requests. */
public final class Api {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final URI base;
    private final HttpClient http;

    public Api(URI base) {
        this.base = base;
        // One HTTPS client per Api: it takes the JVM's default TLS context as it is now, which a
        // test may have set to trust its own CA (TlsCliScenario) after the shared client was made.
        this.http = "https".equals(base.getScheme())
                ? HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()
                : HTTP;
    }

    public record Response(int status, String contentType, String body) {
        public JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new AssertionError("response is not JSON: " + body, e);
            }
        }

        /** The problem slug of a problem response. */
        public String slug() {
            return json().path("check").asText();
        }
    }

    public Response post(String path, String bearer, Object body) {
        return send("POST", path, bearer, body);
    }

    public Response put(String path, String bearer, Object body) {
        return send("PUT", path, bearer, body);
    }

    public Response get(String path, String bearer) {
        return send("GET", path, bearer, null);
    }

    public Response delete(String path, String bearer) {
        return send("DELETE", path, bearer, null);
    }

    /** Sends {@code body} as is when it is a String (for malformed JSON), else as JSON. */
    public Response send(String method, String path, String bearer, Object body) {
        try {
            HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(30));
            if (bearer != null) {
                b.header("Authorization", "Bearer " + bearer);
            }
            if (body == null) {
                b.method(method, HttpRequest.BodyPublishers.noBody());
            } else {
                String text = body instanceof String s ? s : JSON.writeValueAsString(body);
                b.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(text));
            }
            HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
            return new Response(
                    r.statusCode(), r.headers().firstValue("Content-Type").orElse(""), r.body());
        } catch (IOException e) {
            throw new AssertionError("request failed: " + method + " " + path, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}

package dev.keyless.client.token;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keyless.client.Json;
import dev.keyless.client.http.HttpStack;
import dev.keyless.client.http.RetryingSender;
import dev.keyless.client.token.TokenSourceException.Reason;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

/**
 * The HTTP side of the token sources that ask an endpoint for a token (GitHub, GCP, Azure DevOps):
 * proxies from the environment, the default retry policy, and error messages that name the
 * endpoint's host but never a token or a request credential. Thread-safe.
 */
public final class TokenHttp {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final RetryingSender sender;

    public TokenHttp(RetryingSender sender) {
        this.sender = sender;
    }

    /** Proxies from {@code env}, the default retry policy. */
    public static TokenHttp fromEnv(Map<String, String> env) {
        return new TokenHttp(HttpStack.builder().env(env).build());
    }

    /** Sends and returns the body of a 2xx answer. */
    String send(String platform, URI uri, String method, String body, Map<String, String> headers) {
        HttpResponse<byte[]> response;
        try {
            response = sender.send(() -> {
                HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(TIMEOUT);
                headers.forEach(b::header);
                return b.method(
                                method,
                                body == null
                                        ? HttpRequest.BodyPublishers.noBody()
                                        : HttpRequest.BodyPublishers.ofString(body))
                        .build();
            });
        } catch (IOException e) {
            throw new TokenSourceException(
                    Reason.FETCH_FAILED,
                    platform + " token endpoint " + uri.getHost() + " could not be reached ("
                            + e.getClass().getSimpleName() + ")",
                    null,
                    e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TokenSourceException(Reason.FETCH_FAILED, "interrupted while fetching the token", null, e);
        }
        if (response.statusCode() / 100 != 2) {
            throw new TokenSourceException(
                    response.statusCode() >= 500 || response.statusCode() == 429
                            ? Reason.FETCH_FAILED
                            : Reason.NOT_CONFIGURED,
                    platform + " token endpoint " + uri.getHost() + " answered HTTP " + response.statusCode(),
                    null);
        }
        return new String(response.body(), StandardCharsets.UTF_8);
    }

    /** The string field {@code field} of a JSON answer. */
    static String field(String platform, String json, String field) {
        try {
            JsonNode value = Json.mapper().readTree(json).get(field);
            if (value == null || !value.isTextual() || value.asText().isBlank()) {
                throw new TokenSourceException(
                        Reason.FETCH_FAILED, platform + " token endpoint answered without a '" + field + "'", null);
            }
            return value.asText();
        } catch (IOException e) {
            throw new TokenSourceException(
                    Reason.FETCH_FAILED, platform + " token endpoint answered with something other than JSON", null);
        }
    }
}

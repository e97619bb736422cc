package dev.keyless.client;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.keyless.protocol.Problem;
import dev.keyless.protocol.WorkloadRequests.AccessToken;
import dev.keyless.protocol.WorkloadRequests.Authenticate;
import dev.keyless.protocol.WorkloadRequests.CertificateRequest;
import dev.keyless.protocol.WorkloadRequests.CertificateResponse;
import dev.keyless.protocol.WorkloadRequests.SessionView;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * The workload side of the Keyless HTTP contract: token exchange, certificates and sessions.
 *
 * <p>Thread-safe; one instance can serve many concurrent calls. Tokens passed in or returned are
 * never logged or put in exception messages. Refusals surface as {@link KeylessProblemException}.
 */
public final class KeylessClient {
    private static final ObjectMapper JSON = JsonMapper.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .addModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    private final URI base;
    private final String team;
    private final HttpClient http;
    private final Duration timeout;

    /**
     * @param serviceUrl the service's base URL, e.g. {@code https://keyless.example.com}
     * @param team the team every call is made in
     */
    public KeylessClient(URI serviceUrl, String team, HttpClient http, Duration timeout) {
        String url = serviceUrl.toString();
        this.base = URI.create(url.endsWith("/") ? url.substring(0, url.length() - 1) : url);
        this.team = team;
        this.http = http;
        this.timeout = timeout;
    }

    public static KeylessClient create(URI serviceUrl, String team) {
        return new KeylessClient(
                serviceUrl,
                team,
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build(),
                Duration.ofSeconds(30));
    }

    /** Exchanges a platform OIDC token for an access token; {@code roleHint} may be null. */
    public AccessToken authenticate(String connection, String platformToken, String roleHint) {
        return send(
                "POST",
                "/workload/authenticate",
                null,
                new Authenticate(connection, platformToken, roleHint),
                AccessToken.class);
    }

    /** Asks for a one-session certificate for {@code publicKey} (an OpenSSH public key line). */
    public CertificateResponse requestCertificate(String accessToken, String server, String publicKey) {
        return send(
                "POST",
                "/ssh/certificates",
                accessToken,
                new CertificateRequest(server, publicKey),
                CertificateResponse.class);
    }

    public SessionView session(String accessToken, String sessionId) {
        return send("GET", "/sessions/" + encode(sessionId), accessToken, null, SessionView.class);
    }

    /** Closes the session; idempotent. */
    public SessionView closeSession(String accessToken, String sessionId) {
        return send("POST", "/sessions/" + encode(sessionId) + "/close", accessToken, null, SessionView.class);
    }

    private <T> T send(String method, String path, String bearer, Object body, Class<T> type) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + "/v1/teams/" + encode(team) + path))
                .timeout(timeout)
                .header("Accept", "application/json, application/problem+json");
        if (bearer != null) {
            request.header("Authorization", "Bearer " + bearer);
        }
        try {
            if (body != null) {
                request.header("Content-Type", "application/json")
                        .method(method, HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body)));
            } else {
                request.method(method, HttpRequest.BodyPublishers.noBody());
            }
            HttpResponse<byte[]> response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
            if (response.statusCode() >= 400) {
                throw new KeylessProblemException(problem(response));
            }
            return JSON.readValue(response.body(), type);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException("the service's answer could not be read", e);
        } catch (IOException e) {
            throw new UncheckedIOException("the service could not be reached at " + base, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while calling the service", e);
        }
    }

    private static Problem problem(HttpResponse<byte[]> response) {
        try {
            return JSON.readValue(response.body(), Problem.class);
        } catch (IOException e) {
            return new Problem(
                    "about:blank",
                    "HTTP " + response.statusCode(),
                    response.statusCode(),
                    "The service answered without a problem document",
                    null,
                    null,
                    null,
                    null,
                    null,
                    null);
        }
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}

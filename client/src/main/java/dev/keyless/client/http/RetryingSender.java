package dev.keyless.client.http;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Sends a request with a {@link RetryPolicy}: network errors, 429 and 5xx are retried; any other
 * answer (2xx, 3xx, 4xx) is returned at once. The request is rebuilt for every attempt, so a caller
 * can put a freshly fetched credential into each one. Thread-safe.
 */
public final class RetryingSender {
    private final HttpClient http;
    private final RetryPolicy policy;

    public RetryingSender(HttpClient http, RetryPolicy policy) {
        this.http = http;
        this.policy = policy;
    }

    public RetryPolicy policy() {
        return policy;
    }

    public RetryingSender withPolicy(RetryPolicy other) {
        return new RetryingSender(http, other);
    }

    /**
     * The last response (successful, refused, or still failing when the budget ran out).
     *
     * @throws IOException the last network error, when every attempt failed on the network
     */
    public HttpResponse<byte[]> send(Supplier<HttpRequest> request) throws IOException, InterruptedException {
        Instant deadline = Instant.now().plus(policy.maxTotal());
        for (int attempt = 1; ; attempt++) {
            Duration wait;
            try {
                HttpResponse<byte[]> response = http.send(request.get(), HttpResponse.BodyHandlers.ofByteArray());
                if (!RetryPolicy.retryableStatus(response.statusCode())) {
                    return response;
                }
                Optional<Duration> retryAfter = RetryAfter.parse(
                        response.headers().firstValue("Retry-After").orElse(null), Instant.now());
                wait = retryAfter.isPresent() ? retryAfter.get() : policy.backoff(attempt);
                if (!canRetry(attempt, wait, deadline)) {
                    return response;
                }
            } catch (IOException e) {
                wait = policy.backoff(attempt);
                if (!canRetry(attempt, wait, deadline)) {
                    throw e;
                }
            }
            Thread.sleep(wait.toMillis());
        }
    }

    private boolean canRetry(int attempt, Duration wait, Instant deadline) {
        return attempt < policy.maxAttempts() && !Instant.now().plus(wait).isAfter(deadline);
    }
}

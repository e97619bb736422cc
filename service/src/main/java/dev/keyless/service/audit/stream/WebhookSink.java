package dev.keyless.service.audit.stream;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import javax.net.ssl.SSLContext;

/**
 * An HTTPS POST per batch, the records as JSON lines ({@code application/x-ndjson}); any 2xx
 * acknowledges the whole batch, anything else (or no answer within the timeout) is retried with
 * backoff from the same cursor. Receivers deduplicate by {@code (team, seq)} or the event's
 * {@code id}; header {@code Keyless-Batch} names the batch's first team and seq.
 */
final class WebhookSink implements AuditSink {
    private final String name;
    private final URI url;
    private final String token;
    private final Duration timeout;
    private final HttpClient http;
    private final RecordFormat format;

    WebhookSink(String name, URI url, String token, SSLContext ssl, Duration timeout, RecordFormat format) {
        this.name = name;
        this.format = format;
        this.url = url;
        this.token = token;
        this.timeout = timeout;
        this.http = HttpClient.newBuilder()
                .sslContext(ssl)
                .connectTimeout(timeout)
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void deliver(List<StreamItem> items) throws IOException {
        String body = items.stream().map(format::render).collect(Collectors.joining("\n", "", "\n"));
        HttpRequest.Builder request = HttpRequest.newBuilder(url)
                .timeout(timeout)
                .header("Content-Type", "application/x-ndjson")
                .header(
                        "Keyless-Batch",
                        items.get(0).team() + "/" + items.get(0).seq())
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        HttpResponse<Void> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.discarding());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while posting to the audit webhook");
        }
        if (response.statusCode() / 100 != 2) {
            throw new IOException("the audit webhook answered " + response.statusCode());
        }
    }

    @Override
    public void reset() {
        // HttpClient keeps no state a failed request could have spoiled
    }
}

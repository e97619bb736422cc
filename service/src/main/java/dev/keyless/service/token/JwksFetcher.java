package dev.keyless.service.token;

import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.util.JSONObjectUtils;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

/** One fetch of a key set over HTTP, with OIDC discovery first when the location asks for it. */
final class JwksFetcher {
    private final HttpClient http;
    private final JwksFetchSettings settings;

    JwksFetcher(HttpClient http, JwksFetchSettings settings) {
        this.http = http;
        this.settings = settings;
    }

    /** A failed fetch; the message is ours (status, timeout, parse rule), never a response body. */
    static final class FetchException extends Exception {
        FetchException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    JWKSet fetch(JwksLocation location) throws FetchException {
        URI jwksUri = location instanceof JwksLocation.Discovery d ? discover(d) : location.uri();
        String body = get(jwksUri);
        try {
            return KeySetRules.parse(body, settings.maxKeys());
        } catch (ParseException e) {
            throw new FetchException("the key set from " + jwksUri + " is not usable: " + e.getMessage(), null);
        }
    }

    private URI discover(JwksLocation.Discovery discovery) throws FetchException {
        Map<String, Object> doc;
        try {
            doc = JSONObjectUtils.parse(get(discovery.uri()));
        } catch (ParseException e) {
            throw new FetchException("the discovery document at " + discovery.uri() + " is not JSON", null);
        }
        // OpenID Connect Discovery 1.0 section 4.3: the document must name the issuer we asked about.
        if (!discovery.expectedIssuer().equals(doc.get("issuer"))) {
            throw new FetchException("the discovery document at " + discovery.uri() + " names another issuer", null);
        }
        if (!(doc.get("jwks_uri") instanceof String jwksUri)) {
            throw new FetchException("the discovery document at " + discovery.uri() + " has no jwks_uri", null);
        }
        try {
            return EndpointRules.check("jwks_uri", jwksUri, true);
        } catch (InvalidProviderSettingsException e) {
            throw new FetchException("the discovered jwks_uri is refused: " + e.getMessage(), null);
        }
    }

    private String get(URI uri) throws FetchException {
        HttpRequest request = HttpRequest.newBuilder(uri)
                .timeout(settings.timeout())
                .header("Accept", "application/json")
                .GET()
                .build();
        AtomicReference<CappedBodySubscriber> body = new AtomicReference<>();
        CompletableFuture<HttpResponse<byte[]>> future = http.sendAsync(request, info -> {
            body.set(new CappedBodySubscriber(settings.maxResponseBytes()));
            return body.get();
        });
        try {
            // The request timeout covers only the headers; this bounds a body that trickles in.
            HttpResponse<byte[]> response = future.get(settings.timeout().toMillis(), TimeUnit.MILLISECONDS);
            if (response.statusCode() != 200) {
                throw new FetchException("HTTP status " + response.statusCode() + " from " + uri, null);
            }
            return new String(response.body(), StandardCharsets.UTF_8);
        } catch (TimeoutException e) {
            future.cancel(true);
            throw new FetchException("no answer from " + uri + " within " + settings.timeout(), e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            // Cancelling the exchange surfaces as a plain IOException; the subscriber knows why.
            boolean tooLarge = body.get() != null && body.get().exceeded();
            String why = tooLarge
                    ? "the response is larger than " + settings.maxResponseBytes() + " bytes"
                    : cause.getClass().getSimpleName();
            throw new FetchException("fetching " + uri + " failed: " + why, cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            future.cancel(true);
            throw new FetchException("interrupted while fetching " + uri, e);
        }
    }

    static HttpClient defaultClient(JwksFetchSettings settings) {
        // Never follow redirects: a redirect could lead off https or to another host.
        return HttpClient.newBuilder()
                .connectTimeout(settings.timeout())
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }
}

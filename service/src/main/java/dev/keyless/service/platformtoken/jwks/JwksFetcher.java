package dev.keyless.service.platformtoken.jwks;

import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.util.JSONObjectUtils;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.util.Map;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.net.ssl.SSLException;
import org.apache.hc.client5.http.ConnectTimeoutException;
import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.util.Timeout;

/**
 * One fetch of a key set over HTTP, with OIDC discovery first when the location asks for it.
 *
 * <p>A failure is reported as one {@link FetchException.Category} only: whoever reads the test
 * report or the health view learns that the fetch failed and roughly why, never a status code, a
 * response body or where a connection went, which would make a JWKS URL a scanner of the internal
 * network. The operator's log has the status and the URL.
 */
final class JwksFetcher {
    /** Bounds a body that trickles in: the client's timeouts cover each read, not the whole response. */
    private static final ScheduledThreadPoolExecutor DEADLINES = deadlines();

    private final CloseableHttpClient http;
    private final JwksFetchSettings settings;

    JwksFetcher(CloseableHttpClient http, JwksFetchSettings settings) {
        this.http = http;
        this.settings = settings;
    }

    /** A failed fetch: its category is all that leaves the operator's log. */
    static final class FetchException extends Exception {
        private static final long serialVersionUID = 1L;

        enum Category {
            ADDRESS_NOT_ALLOWED("address not allowed"),
            HOST_UNKNOWN("host name not found"),
            CONNECTION_FAILED("connection failed"),
            TLS_FAILED("TLS handshake or certificate check failed"),
            TIMED_OUT("timed out"),
            HTTP_ERROR_STATUS("HTTP error status"),
            TOO_LARGE("response too large"),
            NOT_A_KEY_SET("not a usable JWK set"),
            DISCOVERY_INVALID("not a usable OpenID discovery document"),
            INTERRUPTED("interrupted");

            private final String text;

            Category(String text) {
                this.text = text;
            }
        }

        private final Category category;
        private final String logDetail;

        FetchException(Category category, String logDetail, Throwable cause) {
            super("the JWKS fetch failed: " + category.text, cause);
            this.category = category;
            this.logDetail = logDetail;
        }

        Category category() {
            return category;
        }

        /** What the operator's log gets besides the category: the URL and status or rule. */
        String logDetail() {
            return logDetail;
        }
    }

    JWKSet fetch(JwksLocation location) throws FetchException {
        URI jwksUri = location instanceof JwksLocation.Discovery d ? discover(d) : location.uri();
        String body = get(jwksUri);
        try {
            return KeySetRules.parse(body, settings.maxKeys());
        } catch (ParseException e) {
            throw new FetchException(
                    FetchException.Category.NOT_A_KEY_SET, "the key set from " + jwksUri + ": " + e.getMessage(), null);
        }
    }

    private URI discover(JwksLocation.Discovery discovery) throws FetchException {
        Map<String, Object> doc;
        try {
            doc = JSONObjectUtils.parse(get(discovery.uri()));
        } catch (ParseException e) {
            throw invalidDiscovery(discovery, "is not JSON");
        }
        // OpenID Connect Discovery 1.0 section 4.3: the document must name the issuer we asked about.
        if (!discovery.expectedIssuer().equals(doc.get("issuer"))) {
            throw invalidDiscovery(discovery, "names another issuer");
        }
        if (!(doc.get("jwks_uri") instanceof String jwksUri)) {
            throw invalidDiscovery(discovery, "has no jwks_uri");
        }
        URI uri;
        try {
            uri = EndpointRules.check("jwks_uri", jwksUri, true);
        } catch (InvalidProviderSettingsException e) {
            throw invalidDiscovery(discovery, "has a jwks_uri that breaks the URL rule: " + e.getMessage());
        }
        if (!settings.allowPrivateAddresses()) {
            try {
                AddressRules.checkLiteralHost("jwks_uri", uri);
            } catch (InvalidProviderSettingsException e) {
                throw new FetchException(
                        FetchException.Category.ADDRESS_NOT_ALLOWED,
                        "the jwks_uri discovered at " + discovery.uri() + " is " + uri,
                        null);
            }
        }
        return uri;
    }

    private static FetchException invalidDiscovery(JwksLocation.Discovery discovery, String why) {
        return new FetchException(
                FetchException.Category.DISCOVERY_INVALID,
                "the discovery document at " + discovery.uri() + " " + why,
                null);
    }

    private String get(URI uri) throws FetchException {
        HttpGet request = new HttpGet(uri);
        request.setHeader("Accept", "application/json");
        AtomicBoolean late = new AtomicBoolean();
        ScheduledFuture<?> deadline = DEADLINES.schedule(
                () -> {
                    late.set(true);
                    request.cancel();
                },
                settings.timeout().toMillis(),
                TimeUnit.MILLISECONDS);
        try {
            return http.execute(request, response -> {
                if (response.getCode() != 200) {
                    // Abort rather than close: closing reads the rest of the body to reuse the connection.
                    request.cancel();
                    throw new RefusedResponse(
                            FetchException.Category.HTTP_ERROR_STATUS,
                            "HTTP status " + response.getCode() + " from " + uri);
                }
                HttpEntity entity = response.getEntity();
                if (entity == null) {
                    return "";
                }
                int cap = settings.maxResponseBytes();
                if (entity.getContentLength() > cap) {
                    request.cancel();
                    throw new RefusedResponse(FetchException.Category.TOO_LARGE, tooLarge(uri));
                }
                try (InputStream in = entity.getContent()) {
                    byte[] body = in.readNBytes(cap + 1);
                    if (body.length > cap) {
                        request.cancel();
                        throw new RefusedResponse(FetchException.Category.TOO_LARGE, tooLarge(uri));
                    }
                    return new String(body, StandardCharsets.UTF_8);
                }
            });
        } catch (RefusedResponse e) {
            throw new FetchException(e.category, e.getMessage(), null);
        } catch (IOException e) {
            throw new FetchException(categoryOf(e, late.get()), "fetching " + uri + ": " + e, e);
        } finally {
            deadline.cancel(false);
        }
    }

    private String tooLarge(URI uri) {
        return "the response from " + uri + " is larger than " + settings.maxResponseBytes() + " bytes";
    }

    private static FetchException.Category categoryOf(IOException e, boolean late) {
        if (late) {
            return FetchException.Category.TIMED_OUT;
        }
        if (e instanceof CheckedDnsResolver.AddressNotAllowedException) {
            return FetchException.Category.ADDRESS_NOT_ALLOWED;
        }
        if (e instanceof SocketTimeoutException || e instanceof ConnectTimeoutException) {
            return FetchException.Category.TIMED_OUT;
        }
        if (e instanceof UnknownHostException) {
            return FetchException.Category.HOST_UNKNOWN;
        }
        if (e instanceof SSLException) {
            return FetchException.Category.TLS_FAILED;
        }
        if (e instanceof java.io.InterruptedIOException) {
            return FetchException.Category.INTERRUPTED;
        }
        return FetchException.Category.CONNECTION_FAILED;
    }

    /** Thrown by the response handler to leave it; never escapes this class. */
    private static final class RefusedResponse extends IOException {
        private static final long serialVersionUID = 1L;
        private final transient FetchException.Category category;

        RefusedResponse(FetchException.Category category, String message) {
            super(message);
            this.category = category;
        }
    }

    /**
     * The client key sets are fetched with: never follows redirects (a redirect could lead off https
     * or to an internal host), connects only to addresses {@link CheckedDnsResolver} allowed, keeps no
     * cookies, asks for no compression (the size cap applies to what is sent) and never retries.
     */
    static CloseableHttpClient defaultClient(JwksFetchSettings settings) {
        Timeout timeout = Timeout.ofMilliseconds(settings.timeout().toMillis());
        return HttpClients.custom()
                .setConnectionManager(PoolingHttpClientConnectionManagerBuilder.create()
                        .setDnsResolver(new CheckedDnsResolver(settings.allowPrivateAddresses()))
                        .setDefaultConnectionConfig(ConnectionConfig.custom()
                                .setConnectTimeout(timeout)
                                .setSocketTimeout(timeout)
                                .build())
                        .setMaxConnPerRoute(2)
                        .setMaxConnTotal(50)
                        .build())
                .setDefaultRequestConfig(RequestConfig.custom()
                        .setRedirectsEnabled(false)
                        .setConnectionRequestTimeout(timeout)
                        .setResponseTimeout(timeout)
                        .build())
                .disableRedirectHandling()
                .disableAutomaticRetries()
                .disableCookieManagement()
                .disableContentCompression()
                .disableAuthCaching()
                .build();
    }

    private static ScheduledThreadPoolExecutor deadlines() {
        ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "jwks-fetch-deadline");
            t.setDaemon(true);
            return t;
        });
        executor.setRemoveOnCancelPolicy(true);
        return executor;
    }
}

package dev.keyless.client.http;

import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * The one way every Keyless client (the CLI, the token sources, the host agent) builds its HTTP
 * stack: proxies from the environment ({@link EnvProxySelector}), an optional PEM CA bundle
 * ({@link CaBundle}), no redirects, a connect timeout, and a {@link RetryingSender} with a {@link
 * RetryPolicy}. Each caller adds its own authentication per attempt. Not thread-safe; what it
 * builds is.
 */
public final class HttpStack {
    private Map<String, String> env = Map.of();
    private Path caBundle;
    private Duration connectTimeout = Duration.ofSeconds(5);
    private RetryPolicy retryPolicy = RetryPolicy.DEFAULT;

    private HttpStack() {}

    /** No proxy, the JDK trust store, a 5 s connect timeout, {@link RetryPolicy#DEFAULT}. */
    public static HttpStack builder() {
        return new HttpStack();
    }

    /** The environment to read {@code HTTPS_PROXY}/{@code NO_PROXY} from. */
    public HttpStack env(Map<String, String> value) {
        this.env = Map.copyOf(value);
        return this;
    }

    /** A PEM bundle that replaces the JDK trust store; null for none. */
    public HttpStack caBundle(Path value) {
        this.caBundle = value;
        return this;
    }

    public HttpStack connectTimeout(Duration value) {
        this.connectTimeout = Objects.requireNonNull(value, "connectTimeout");
        return this;
    }

    public HttpStack retryPolicy(RetryPolicy value) {
        this.retryPolicy = Objects.requireNonNull(value, "retryPolicy");
        return this;
    }

    public RetryingSender build() {
        HttpClient.Builder http = HttpClient.newBuilder()
                .connectTimeout(connectTimeout)
                .proxy(EnvProxySelector.fromEnv(env))
                .followRedirects(HttpClient.Redirect.NEVER);
        if (caBundle != null) {
            http.sslContext(CaBundle.sslContext(caBundle));
        }
        return new RetryingSender(http.build(), retryPolicy);
    }
}

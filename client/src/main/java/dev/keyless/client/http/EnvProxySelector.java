package dev.keyless.client.http;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.ProxySelector;
import java.net.SocketAddress;
import java.net.URI;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A {@link ProxySelector} from the conventional environment variables the JDK ignores: {@code
 * HTTPS_PROXY}/{@code https_proxy} for https URLs, {@code HTTP_PROXY}/{@code http_proxy} for http
 * URLs (lower case wins, as in curl), and {@code NO_PROXY}/{@code no_proxy}: a comma-separated list
 * of {@code *}, host names, domain suffixes ({@code example.com} and {@code .example.com} both match
 * the domain and its subdomains), IP literals, each optionally with {@code :port}. CIDR ranges are
 * not supported. Proxy credentials in the URL are not used. Immutable and thread-safe.
 */
public final class EnvProxySelector extends ProxySelector {
    private final Optional<InetSocketAddress> httpsProxy;
    private final Optional<InetSocketAddress> httpProxy;
    private final List<String> noProxy;

    private EnvProxySelector(Optional<InetSocketAddress> https, Optional<InetSocketAddress> http, List<String> no) {
        this.httpsProxy = https;
        this.httpProxy = http;
        this.noProxy = no;
    }

    /** Reads the variables from {@code env} (pass {@code System.getenv()} at the edge only). */
    public static EnvProxySelector fromEnv(Map<String, String> env) {
        String no = first(env, "no_proxy", "NO_PROXY");
        return new EnvProxySelector(
                parseProxy(first(env, "https_proxy", "HTTPS_PROXY")),
                parseProxy(first(env, "http_proxy", "HTTP_PROXY")),
                no == null
                        ? List.of()
                        : Arrays.stream(no.split(","))
                                .map(e -> e.strip().toLowerCase(Locale.ROOT))
                                .filter(e -> !e.isEmpty())
                                .toList());
    }

    /** The proxy an https or http URL goes through, if any. */
    public Optional<InetSocketAddress> proxyFor(URI uri) {
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        Optional<InetSocketAddress> proxy = scheme.equals("https") ? httpsProxy : httpProxy;
        if (proxy.isEmpty() || uri.getHost() == null || bypasses(uri.getHost(), port(uri))) {
            return Optional.empty();
        }
        return proxy;
    }

    /** Whether NO_PROXY exempts {@code host} (and {@code port}) from the proxy. */
    public boolean bypasses(String host, int port) {
        String h = stripBrackets(host.toLowerCase(Locale.ROOT));
        for (String entry : noProxy) {
            if (entry.equals("*")) {
                return true;
            }
            String pattern = entry;
            int entryPort = -1;
            int colon = entry.lastIndexOf(':');
            if (colon > 0
                    && entry.indexOf(':') == colon
                    && entry.substring(colon + 1).matches("\\d+")) {
                pattern = entry.substring(0, colon);
                entryPort = Integer.parseInt(entry.substring(colon + 1));
            }
            pattern = stripBrackets(pattern);
            if (entryPort != -1 && entryPort != port) {
                continue;
            }
            String domain = pattern.startsWith(".") ? pattern.substring(1) : pattern;
            if (domain.startsWith("*.")) {
                domain = domain.substring(2);
            }
            if (h.equals(domain) || h.endsWith("." + domain)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public List<Proxy> select(URI uri) {
        return proxyFor(uri).map(a -> List.of(new Proxy(Proxy.Type.HTTP, a))).orElse(List.of(Proxy.NO_PROXY));
    }

    @Override
    public void connectFailed(URI uri, SocketAddress sa, IOException ioe) {
        // Nothing to learn: there is at most one proxy per scheme.
    }

    private static int port(URI uri) {
        if (uri.getPort() != -1) {
            return uri.getPort();
        }
        return "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
    }

    private static String stripBrackets(String host) {
        return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    }

    private static String first(Map<String, String> env, String... names) {
        for (String name : names) {
            String v = env.get(name);
            if (v != null && !v.isBlank()) {
                return v.strip();
            }
        }
        return null;
    }

    private static Optional<InetSocketAddress> parseProxy(String value) {
        if (value == null) {
            return Optional.empty();
        }
        URI uri = URI.create(value.contains("://") ? value : "http://" + value);
        if (uri.getHost() == null) {
            throw new IllegalArgumentException("the proxy variable is not a host[:port] or URL");
        }
        int port = uri.getPort() != -1 ? uri.getPort() : ("https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80);
        return Optional.of(InetSocketAddress.createUnresolved(uri.getHost(), port));
    }
}

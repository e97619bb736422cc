package dev.keyless.service.observability;

import io.micronaut.context.annotation.Value;
import io.micronaut.http.HttpRequest;
import jakarta.inject.Singleton;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The client's address for the audit trail and the rate limits. The TCP peer, unless the peer is
 * one of the configured trusted proxies ({@code keyless.trusted-proxies}, IPs or CIDR blocks):
 * then the forwarding headers are read right to left, skipping trusted hops, and the first
 * address not trusted is the client. {@code Forwarded} (RFC 7239) wins over {@code
 * X-Forwarded-For} when both are present. A header from any other peer is ignored, since anyone
 * can send one; an unparseable hop stops the walk at the last address that was vouched for.
 */
@Singleton
@SuppressWarnings("StringSplitter") // header lists: a trailing empty element is dropped, as it always was
public final class ClientIps {
    static final String ATTRIBUTE = "keyless.client-ip";
    private static final int MAX_HOPS = 32;

    private final List<Cidr> trusted;

    ClientIps(@Value("${keyless.trusted-proxies:}") List<String> trustedProxies) {
        List<Cidr> parsed = new ArrayList<>();
        for (String entry : trustedProxies) {
            for (String part : entry.split(",")) {
                if (!part.isBlank()) {
                    parsed.add(Cidr.parse(part));
                }
            }
        }
        this.trusted = List.copyOf(parsed);
    }

    /** The address the filter resolved for this request, or the peer's. */
    public static String of(HttpRequest<?> request) {
        return request.getAttribute(ATTRIBUTE, String.class).orElseGet(() -> peer(request));
    }

    String resolve(HttpRequest<?> request) {
        InetAddress peer = request.getRemoteAddress().getAddress();
        if (peer == null) {
            return null;
        }
        if (!isTrusted(peer)) {
            return peer.getHostAddress();
        }
        List<String> hops = forwardedHops(request);
        InetAddress client = peer;
        for (int i = hops.size() - 1; i >= 0 && i >= hops.size() - MAX_HOPS; i--) {
            Optional<InetAddress> hop = Cidr.IpLiteral.parse(hops.get(i));
            if (hop.isEmpty()) {
                break;
            }
            client = hop.get();
            if (!isTrusted(client)) {
                break;
            }
        }
        return client.getHostAddress();
    }

    private boolean isTrusted(InetAddress address) {
        for (Cidr c : trusted) {
            if (c.contains(address)) {
                return true;
            }
        }
        return false;
    }

    private static String peer(HttpRequest<?> request) {
        InetAddress a = request.getRemoteAddress().getAddress();
        return a == null ? null : a.getHostAddress();
    }

    /** The forwarded-for addresses, nearest hop last. */
    private static List<String> forwardedHops(HttpRequest<?> request) {
        List<String> forwarded = request.getHeaders().getAll("Forwarded");
        List<String> hops = new ArrayList<>();
        if (!forwarded.isEmpty()) {
            for (String header : forwarded) {
                for (String element : header.split(",")) {
                    hops.add(forValue(element));
                }
            }
            return hops;
        }
        for (String header : request.getHeaders().getAll("X-Forwarded-For")) {
            for (String hop : header.split(",")) {
                hops.add(hop.strip());
            }
        }
        return hops;
    }

    /** The {@code for=} of one RFC 7239 element: {@code 192.0.2.1}, {@code "[2001:db8::1]:443"}. */
    private static String forValue(String element) {
        for (String pair : element.split(";")) {
            String p = pair.strip();
            if (p.toLowerCase(Locale.ROOT).startsWith("for=")) {
                String v = p.substring(4).strip();
                if (v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"")) {
                    v = v.substring(1, v.length() - 1);
                }
                if (v.startsWith("[")) {
                    int end = v.indexOf(']');
                    return end < 0 ? "" : v.substring(1, end);
                }
                int colon = v.indexOf(':');
                return colon >= 0 && v.indexOf(':', colon + 1) < 0 ? v.substring(0, colon) : v;
            }
        }
        return "";
    }
}

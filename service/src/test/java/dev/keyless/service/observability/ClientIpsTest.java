package dev.keyless.service.observability;

import static org.assertj.core.api.Assertions.assertThat;

import io.micronaut.http.HttpRequest;
import io.micronaut.http.simple.SimpleHttpHeaders;
import java.lang.reflect.Proxy;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The forwarding-header walk alone (TrustedProxiesIT runs it over real HTTP). */
class ClientIpsTest {
    final ClientIps ips = new ClientIps(List.of("127.0.0.0/8, 10.1.0.0/16"));

    @Test
    void rfc7239WinsAndIpv6InBracketsIsRead() {
        assertThat(ips.resolve(request(
                        "127.0.0.1",
                        Map.of(
                                "Forwarded",
                                "for=\"[2001:db8::17]:4711\";proto=https",
                                "X-Forwarded-For",
                                "203.0.113.9"))))
                .isEqualTo("2001:db8:0:0:0:0:0:17");
        assertThat(ips.resolve(request("127.0.0.1", Map.of("Forwarded", "for=192.0.2.60;proto=http, for=10.1.0.4"))))
                .isEqualTo("192.0.2.60");
    }

    @Test
    void untrustedPeersAreNotBelieved() {
        assertThat(ips.resolve(request("198.51.100.1", Map.of("X-Forwarded-For", "203.0.113.9"))))
                .isEqualTo("198.51.100.1");
        assertThat(ips.resolve(request("127.0.0.1", Map.of("X-Forwarded-For", "203.0.113.9, 10.1.9.9"))))
                .isEqualTo("203.0.113.9");
        assertThat(ips.resolve(request("127.0.0.1", Map.of("X-Forwarded-For", "localhost"))))
                .isEqualTo("127.0.0.1");
        assertThat(ips.resolve(request("127.0.0.1", Map.of("X-Forwarded-For", "2130706433"))))
                .isEqualTo("127.0.0.1");
    }

    static HttpRequest<?> request(String peer, Map<String, String> headers) {
        SimpleHttpHeaders h = new SimpleHttpHeaders(io.micronaut.core.convert.ConversionService.SHARED);
        headers.forEach(h::add);
        return (HttpRequest<?>) Proxy.newProxyInstance(
                HttpRequest.class.getClassLoader(),
                new Class<?>[] {HttpRequest.class},
                (p, m, a) -> switch (m.getName()) {
                    case "getRemoteAddress" -> new InetSocketAddress(java.net.InetAddress.getByName(peer), 4000);
                    case "getHeaders" -> h;
                    default -> throw new UnsupportedOperationException(m.getName());
                });
    }
}

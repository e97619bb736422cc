package dev.keyless.client.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.net.URI;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class EnvProxySelectorTest {

    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of("no variables: direct", Map.of(), "https://keyless.example.com", null),
                Arguments.of(
                        "HTTPS_PROXY used for https",
                        Map.of("HTTPS_PROXY", "http://proxy:3128"),
                        "https://keyless.example.com",
                        "proxy:3128"),
                Arguments.of(
                        "lower case wins",
                        Map.of("HTTPS_PROXY", "http://upper:1", "https_proxy", "lower:2"),
                        "https://keyless.example.com",
                        "lower:2"),
                Arguments.of(
                        "https proxy not used for http",
                        Map.of("HTTPS_PROXY", "proxy:3128"),
                        "http://keyless.example.com",
                        null),
                Arguments.of(
                        "HTTP_PROXY for http, default port 80",
                        Map.of("http_proxy", "http://proxy"),
                        "http://svc.internal",
                        "proxy:80"),
                Arguments.of(
                        "NO_PROXY exact host",
                        Map.of("HTTPS_PROXY", "proxy:3128", "NO_PROXY", "keyless.example.com"),
                        "https://keyless.example.com",
                        null),
                Arguments.of(
                        "NO_PROXY domain suffix matches subdomain",
                        Map.of("HTTPS_PROXY", "proxy:3128", "NO_PROXY", "example.com"),
                        "https://keyless.example.com",
                        null),
                Arguments.of(
                        "NO_PROXY leading dot",
                        Map.of("HTTPS_PROXY", "proxy:3128", "no_proxy", "localhost, .example.com"),
                        "https://a.b.example.com",
                        null),
                Arguments.of(
                        "NO_PROXY suffix is not a substring match",
                        Map.of("HTTPS_PROXY", "proxy:3128", "NO_PROXY", "example.com"),
                        "https://notexample.com",
                        "proxy:3128"),
                Arguments.of(
                        "NO_PROXY star",
                        Map.of("HTTPS_PROXY", "proxy:3128", "NO_PROXY", "*"),
                        "https://anything.test",
                        null),
                Arguments.of(
                        "NO_PROXY IP literal",
                        Map.of("HTTPS_PROXY", "proxy:3128", "NO_PROXY", "10.0.0.5"),
                        "https://10.0.0.5:8443",
                        null),
                Arguments.of(
                        "NO_PROXY with port matches only that port",
                        Map.of("HTTPS_PROXY", "proxy:3128", "NO_PROXY", "svc.internal:8443"),
                        "https://svc.internal:443",
                        "proxy:3128"),
                Arguments.of(
                        "NO_PROXY with port, same port",
                        Map.of("HTTPS_PROXY", "proxy:3128", "NO_PROXY", "svc.internal:8443"),
                        "https://svc.internal:8443",
                        null),
                Arguments.of(
                        "NO_PROXY is case-insensitive",
                        Map.of("HTTPS_PROXY", "proxy:3128", "NO_PROXY", "Example.COM"),
                        "https://KEYLESS.example.com",
                        null));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void picksTheProxy(String name, Map<String, String> env, String url, String expected) {
        Optional<InetSocketAddress> proxy = EnvProxySelector.fromEnv(env).proxyFor(URI.create(url));
        assertThat(proxy.map(a -> a.getHostString() + ":" + a.getPort()).orElse(null))
                .isEqualTo(expected);
    }
}

package dev.keyless.service.name;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.function.BiFunction;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class NamesTest {
    private static final String ROLE_RULE = "must match [a-z][a-z0-9_-]{0,28}";
    private static final String RESOURCE_RULE = "must match [a-z0-9][a-z0-9._-]{0,62}";
    private static final String ADDRESS_RULE = "must be a host name (RFC 1123), an IPv4 literal or an IPv6 literal";

    static Stream<Arguments> accepted() {
        BiFunction<String, String, String> role = Names::role;
        BiFunction<String, String, String> team = Names::team;
        BiFunction<String, String, String> server = Names::server;
        BiFunction<String, String, String> key = Names::labelKey;
        BiFunction<String, String, String> value = Names::labelValue;
        BiFunction<String, String, String> address = Names::serverAddress;
        return Stream.of(
                Arguments.of("role one letter", role, "a"),
                Arguments.of("role with _ and -", role, "deploy_web-1"),
                Arguments.of("role of 29 chars (wl_ + 29 = 32)", role, "a" + "b".repeat(28)),
                Arguments.of("team with dots", team, "acme.prod"),
                Arguments.of("server of 63 chars", server, "9" + "x".repeat(62)),
                Arguments.of("label key with slash", key, "kubernetes.io/zone"),
                Arguments.of("empty label value", value, ""),
                Arguments.of("mixed-case label value", value, "Eu-West_1.a"),
                Arguments.of("host name", address, "web-1.example.com"),
                Arguments.of("single-label host", address, "localhost"),
                Arguments.of("IPv4", address, "192.168.0.10"),
                Arguments.of("IPv6", address, "2001:db8::1"),
                Arguments.of("IPv6 loopback", address, "::1"),
                Arguments.of("IPv4-mapped IPv6", address, "::ffff:10.0.0.1"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource
    void accepted(String name, BiFunction<String, String, String> check, String value) {
        assertThat(check.apply("f", value)).isEqualTo(value);
    }

    static Stream<Arguments> rejected() {
        BiFunction<String, String, String> role = Names::role;
        BiFunction<String, String, String> policy = Names::policy;
        BiFunction<String, String, String> key = Names::labelKey;
        BiFunction<String, String, String> value = Names::labelValue;
        BiFunction<String, String, String> address = Names::serverAddress;
        String keyRule = "label keys must match [a-z0-9][a-z0-9._/-]{0,62}";
        String valueRule = "label values must match [A-Za-z0-9._-]{0,63}";
        return Stream.of(
                Arguments.of("null role", role, null, "is required"),
                Arguments.of("empty role", role, "", ROLE_RULE),
                Arguments.of("role starting with digit", role, "1deploy", ROLE_RULE),
                Arguments.of("upper-case role", role, "Deploy", ROLE_RULE),
                Arguments.of("role of 30 chars (wl_ + 30 = 33)", role, "a".repeat(30), ROLE_RULE),
                Arguments.of("role with dot", role, "a.b", ROLE_RULE),
                Arguments.of("role with shell metachar", role, "a;id", ROLE_RULE),
                Arguments.of("role with newline", role, "a\n", ROLE_RULE),
                Arguments.of("role with Cyrillic a", role, "\u0430dmin", ROLE_RULE),
                Arguments.of("policy starting with dot", policy, ".x", RESOURCE_RULE),
                Arguments.of("policy of 64 chars", policy, "p".repeat(64), RESOURCE_RULE),
                Arguments.of("policy with slash", policy, "a/b", RESOURCE_RULE),
                Arguments.of("label key upper case", key, "Zone", keyRule),
                Arguments.of("label key starting with slash", key, "/zone", keyRule),
                Arguments.of("label value with space", value, "a b", valueRule),
                Arguments.of("label value of 64 chars", value, "v".repeat(64), valueRule),
                Arguments.of("empty address", address, "", "is required"),
                Arguments.of("address with space", address, "web 1", ADDRESS_RULE),
                Arguments.of("address with semicolon", address, "web;id", ADDRESS_RULE),
                Arguments.of("address starting with dash (ssh option)", address, "-oProxyCommand=x", ADDRESS_RULE),
                Arguments.of("address with user part", address, "root@web", ADDRESS_RULE),
                Arguments.of("label ending with dash", address, "web-.example.com", ADDRESS_RULE),
                Arguments.of("empty label", address, "web..example.com", ADDRESS_RULE),
                Arguments.of("trailing dot", address, "web.", ADDRESS_RULE),
                Arguments.of("label of 64 chars", address, "a".repeat(64) + ".com", ADDRESS_RULE),
                Arguments.of("IPv4 octet 256", address, "10.0.0.256", ADDRESS_RULE),
                Arguments.of("IPv4 leading zero (octal in inet_aton)", address, "010.0.0.1", ADDRESS_RULE),
                Arguments.of("short IPv4", address, "10.1", ADDRESS_RULE),
                Arguments.of("IPv6 with two gaps", address, "1::2::3", ADDRESS_RULE),
                Arguments.of("IPv6 with zone", address, "fe80::1%eth0", ADDRESS_RULE),
                Arguments.of("bracketed IPv6", address, "[::1]", ADDRESS_RULE),
                Arguments.of("IPv6 with nine groups", address, "1:2:3:4:5:6:7:8:9", ADDRESS_RULE));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource
    void rejected(String name, BiFunction<String, String, String> check, String value, String rule) {
        assertThatThrownBy(() -> check.apply("servers.names[3]", value))
                .isInstanceOfSatisfying(InvalidNameException.class, e -> {
                    assertThat(e.field()).isEqualTo("servers.names[3]");
                    assertThat(e.rule()).isEqualTo(rule);
                    assertThat(e.getMessage()).isEqualTo("servers.names[3]: " + rule);
                });
    }

    @ParameterizedTest(name = "port {0}")
    @org.junit.jupiter.params.provider.ValueSource(ints = {1, 22, 65535})
    void acceptsPortsInRange(int port) {
        assertThat(Names.port("port", port)).isEqualTo(port);
    }

    @ParameterizedTest(name = "port {0}")
    @org.junit.jupiter.params.provider.ValueSource(ints = {0, -1, 65536})
    void rejectsPortsOutOfRange(int port) {
        assertThatThrownBy(() -> Names.port("port", port)).hasMessage("port: must be between 1 and 65535");
    }

    @Test
    void principalIsPrefixedRoleAndFitsUseradd() {
        assertThat(Names.principalFor("deploy")).isEqualTo("wl_deploy");
        assertThat(Names.principalFor("a".repeat(29))).hasSize(32);
        assertThatThrownBy(() -> Names.principalFor("x;y")).hasMessage("role: " + ROLE_RULE);
    }
}

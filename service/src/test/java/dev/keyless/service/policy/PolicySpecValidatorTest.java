package dev.keyless.service.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keyless.protocol.PolicyRequests.PolicySpec;
import dev.keyless.protocol.PolicyRequests.ServerSelector;
import dev.keyless.protocol.PolicyRequests.SudoRule;
import dev.keyless.protocol.sudo.SudoCommand;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class PolicySpecValidatorTest {
    private static final PolicySpec MINIMAL = new PolicySpec(
            "deploy-web",
            List.of("deploy"),
            new ServerSelector(List.of("web-1"), null),
            null,
            null,
            null,
            null,
            null,
            null,
            null);

    @Test
    void appliesDefaults() {
        assertThat(PolicySpecValidator.validate(MINIMAL))
                .isEqualTo(new PolicyRules(
                        "deploy-web",
                        List.of("deploy"),
                        List.of("web-1"),
                        Map.of(),
                        List.of(),
                        Duration.ofMinutes(15),
                        Duration.ofMinutes(5),
                        null,
                        List.of(),
                        List.of(),
                        List.of()));
    }

    @Test
    void normalizesAFullSpec() {
        PolicySpec spec = new PolicySpec(
                "ops.prod",
                List.of("deploy", "ops", "deploy"),
                new ServerSelector(List.of(), Map.of("env", "prod", "kubernetes.io/zone", "eu-1a")),
                List.of(
                        new SudoRule("/usr/bin/systemctl restart app", null, null),
                        new SudoRule("/usr/bin/journalctl *", true, false),
                        new SudoRule("/usr/bin/systemctl restart app", false, false)),
                28_800,
                3_600,
                1000,
                List.of("permit-agent-forwarding", "permit-pty"),
                List.of("10.0.0.0/8", "192.0.2.7", "2001:db8::/32"),
                null);
        assertThat(PolicySpecValidator.validate(spec))
                .isEqualTo(new PolicyRules(
                        "ops.prod",
                        List.of("deploy", "ops"),
                        List.of(),
                        Map.of("env", "prod", "kubernetes.io/zone", "eu-1a"),
                        List.of(
                                new SudoCommand("/usr/bin/systemctl", List.of("restart", "app"), false, false),
                                new SudoCommand("/usr/bin/journalctl", List.of("*"), true, false)),
                        Duration.ofHours(8),
                        Duration.ofHours(1),
                        1000,
                        List.of("permit-agent-forwarding", "permit-pty"),
                        List.of("10.0.0.0/8", "192.0.2.7/32", "2001:db8::/32"),
                        List.of()));
    }

    static Stream<Arguments> singleFieldErrors() {
        return Stream.of(
                error("missing name", s -> with(s, 0, null), "name", "is required"),
                error("no roles", s -> with(s, 1, List.of()), "roles", "must hold at least one entry"),
                error(
                        "bad role",
                        s -> with(s, 1, List.of("deploy", "Root")),
                        "roles[1]",
                        "must match [a-z][a-z0-9_-]{0,28}"),
                error("no selector", s -> with(s, 2, null), "servers", "is required unless the policy grants secrets"),
                error(
                        "empty selector",
                        s -> with(s, 2, new ServerSelector(List.of(), Map.of())),
                        "servers",
                        "must name servers or labels; an empty selector matches nothing"),
                error(
                        "bad server name",
                        s -> with(s, 2, new ServerSelector(List.of("web 1"), null)),
                        "servers.names[0]",
                        "must match [a-z0-9][a-z0-9._-]{0,62}"),
                error(
                        "bad label key",
                        s -> with(s, 2, new ServerSelector(null, Map.of("Env", "x"))),
                        "servers.labels",
                        "label keys must match [a-z0-9][a-z0-9._/-]{0,62}"),
                error(
                        "bad label value",
                        s -> with(s, 2, new ServerSelector(null, Map.of("env", "a b"))),
                        "servers.labels.env",
                        "label values must match [A-Za-z0-9._-]{0,63}"),
                error(
                        "hostile sudo",
                        s -> with(s, 3, List.of(new SudoRule("/bin/sh -c id;id", null, null))),
                        "sudo[0].command",
                        "character 14: ';' is a shell or sudoers metacharacter"),
                error(
                        "too many sudo rules",
                        s -> with(s, 3, Collections.nCopies(51, new SudoRule("/usr/bin/id", null, null))),
                        "sudo",
                        "holds more than 50 rules"),
                error(
                        "session TTL too short",
                        s -> with(s, 4, 59),
                        "session_ttl_seconds",
                        "must be between 60 and 28800"),
                error(
                        "session TTL too long",
                        s -> with(s, 4, 28_801),
                        "session_ttl_seconds",
                        "must be between 60 and 28800"),
                error(
                        "access TTL too long",
                        s -> with(s, 5, 3_601),
                        "access_token_ttl_seconds",
                        "must be between 60 and 3600"),
                error(
                        "session limit zero",
                        s -> with(s, 6, 0),
                        "max_concurrent_sessions",
                        "must be between 1 and 1000"),
                error(
                        "session limit too high",
                        s -> with(s, 6, 1001),
                        "max_concurrent_sessions",
                        "must be between 1 and 1000"),
                error(
                        "unknown extension",
                        s -> with(s, 7, List.of("permit-pty", "no-touch-required")),
                        "extensions[1]",
                        "must be one of permit-X11-forwarding, permit-agent-forwarding, permit-port-forwarding, permit-pty, permit-user-rc"),
                error(
                        "source host bits",
                        s -> with(s, 8, List.of("10.0.0.1/8")),
                        "source_addresses[0]",
                        "must be an IPv4 or IPv6 address or CIDR block with zero host bits"),
                error(
                        "source prefix too long",
                        s -> with(s, 8, List.of("10.0.0.0/33")),
                        "source_addresses[0]",
                        "must be an IPv4 or IPv6 address or CIDR block with zero host bits"),
                error(
                        "source host name",
                        s -> with(s, 8, List.of("10.0.0.0/8", "example.com")),
                        "source_addresses[1]",
                        "must be an IPv4 or IPv6 address or CIDR block with zero host bits"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource
    void singleFieldErrors(String name, UnaryOperator<PolicySpec> change, String field, String message) {
        assertThatThrownBy(() -> PolicySpecValidator.validate(change.apply(MINIMAL)))
                .isInstanceOfSatisfying(InvalidPolicyException.class, e -> assertThat(e.errors())
                        .containsExactly(new FieldError(field, message)));
    }

    @Test
    void reportsEveryErrorAtOnceWithoutEchoingValues() {
        PolicySpec spec = new PolicySpec(
                "Bad Name",
                Arrays.asList("deploy", null, "x;rm"),
                new ServerSelector(List.of(), Map.of()),
                List.of(
                        new SudoRule("/usr/bin/id", null, null),
                        new SudoRule("/usr/bin/foo $(id)", null, null),
                        new SudoRule("ALL", null, null)),
                10,
                99_999,
                -1,
                List.of("permit-everything"),
                List.of("not-an-ip"),
                null);
        assertThatThrownBy(() -> PolicySpecValidator.validate(spec))
                .isInstanceOfSatisfying(InvalidPolicyException.class, e -> {
                    assertThat(e.errors())
                            .containsExactly(
                                    new FieldError("name", "must match [a-z0-9][a-z0-9._-]{0,62}"),
                                    new FieldError("roles[1]", "is required"),
                                    new FieldError("roles[2]", "must match [a-z][a-z0-9_-]{0,28}"),
                                    new FieldError(
                                            "servers",
                                            "must name servers or labels; an empty selector matches nothing"),
                                    new FieldError(
                                            "sudo[1].command", "character 14: '$' is a shell or sudoers metacharacter"),
                                    new FieldError("sudo[2].command", "ALL needs unrestricted: true"),
                                    new FieldError("session_ttl_seconds", "must be between 60 and 28800"),
                                    new FieldError("access_token_ttl_seconds", "must be between 60 and 3600"),
                                    new FieldError("max_concurrent_sessions", "must be between 1 and 1000"),
                                    new FieldError(
                                            "extensions[0]",
                                            "must be one of permit-X11-forwarding, permit-agent-forwarding,"
                                                    + " permit-port-forwarding, permit-pty, permit-user-rc"),
                                    new FieldError(
                                            "source_addresses[0]",
                                            "must be an IPv4 or IPv6 address or CIDR block with zero host bits"));
                    assertThat(e.getMessage()).isEqualTo("invalid policy: 11 field error(s), first name");
                    assertThat(e.errors().toString()).doesNotContain("x;rm", "$(id)", "Bad Name", "not-an-ip");
                });
    }

    private static Arguments error(String name, UnaryOperator<PolicySpec> change, String field, String message) {
        return Arguments.of(name, change, field, message);
    }

    /** A copy of {@code s} with one component replaced, by position. */
    @SuppressWarnings("unchecked")
    private static PolicySpec with(PolicySpec s, int component, Object value) {
        Object[] c = {
            s.name(),
            s.roles(),
            s.servers(),
            s.sudo(),
            s.sessionTtlSeconds(),
            s.accessTokenTtlSeconds(),
            s.maxConcurrentSessions(),
            s.extensions(),
            s.sourceAddresses()
        };
        c[component] = value;
        return new PolicySpec(
                (String) c[0],
                (List<String>) c[1],
                (ServerSelector) c[2],
                (List<SudoRule>) c[3],
                (Integer) c[4],
                (Integer) c[5],
                (Integer) c[6],
                (List<String>) c[7],
                (List<String>) c[8],
                null);
    }
}

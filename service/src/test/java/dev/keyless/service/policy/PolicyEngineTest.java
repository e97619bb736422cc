package dev.keyless.service.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keyless.protocol.sudo.SudoCommand;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class PolicyEngineTest {
    private static final ServerFacts WEB1 = new ServerFacts("web-1", Map.of("env", "prod", "tier", "web"));
    private static final SudoCommand RESTART = cmd("/usr/bin/systemctl", "restart", "app");
    private static final SudoCommand LOGS = cmd("/usr/bin/journalctl", "-u", "app");

    static Stream<Arguments> selection() {
        return Stream.of(
                Arguments.of("by name", policy("p", List.of("deploy"), List.of("web-1"), Map.of()), true),
                Arguments.of("by one label", policy("p", List.of("deploy"), List.of(), Map.of("env", "prod")), true),
                Arguments.of(
                        "by all labels",
                        policy("p", List.of("deploy"), List.of(), Map.of("env", "prod", "tier", "web")),
                        true),
                Arguments.of(
                        "one label differs",
                        policy("p", List.of("deploy"), List.of(), Map.of("env", "prod", "tier", "db")),
                        false),
                Arguments.of(
                        "label missing on server",
                        policy("p", List.of("deploy"), List.of(), Map.of("zone", "a")),
                        false),
                Arguments.of(
                        "other name, labels match",
                        policy("p", List.of("deploy"), List.of("web-2"), Map.of("env", "prod")),
                        true),
                Arguments.of("other name only", policy("p", List.of("deploy"), List.of("web-2"), Map.of()), false),
                Arguments.of(
                        "empty selector matches nothing", policy("p", List.of("deploy"), List.of(), Map.of()), false),
                Arguments.of("role not listed", policy("p", List.of("ops"), List.of("web-1"), Map.of()), false),
                Arguments.of(
                        "role listed among others",
                        policy("p", List.of("ops", "deploy"), List.of("web-1"), Map.of()),
                        true),
                Arguments.of(
                        "role compare is exact", policy("p", List.of("deploy2"), List.of("web-1"), Map.of()), false));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource
    void selection(String name, PolicyRules policy, boolean granted) {
        AccessDecision decision = PolicyEngine.decide("deploy", WEB1, List.of(policy));
        assertThat(decision.granted()).isEqualTo(granted);
        assertThat(decision.policies()).isEqualTo(granted ? List.of("p") : List.of());
    }

    @Test
    void deniedDecisionCarriesNothingUsable() {
        AccessDecision decision = PolicyEngine.decide("deploy", WEB1, List.of());
        assertThat(decision).isEqualTo(AccessDecision.denied());
        assertThat(decision.sessionTtl()).isZero();
        assertThat(decision.accessTokenTtl()).isZero();
        assertThat(decision.sudo()).isEmpty();
        assertThat(decision.extensions()).isEmpty();
    }

    @Test
    void combinesAllMatchingPolicies() {
        PolicyRules b = new PolicyRules(
                "b-logs",
                List.of("deploy"),
                List.of("web-1"),
                Map.of(),
                List.of(LOGS, RESTART),
                Duration.ofMinutes(30),
                Duration.ofMinutes(2),
                5,
                List.of("permit-agent-forwarding"),
                List.of("10.0.0.0/8"),
                List.of());
        PolicyRules a = new PolicyRules(
                "a-restart",
                List.of("deploy"),
                List.of(),
                Map.of("env", "prod"),
                List.of(RESTART),
                Duration.ofMinutes(10),
                Duration.ofMinutes(5),
                null,
                List.of("permit-pty"),
                List.of(),
                List.of());
        PolicyRules c = new PolicyRules(
                "c-limit",
                List.of("deploy"),
                List.of("web-1"),
                Map.of(),
                List.of(SudoCommand.ALL),
                Duration.ofHours(1),
                Duration.ofMinutes(4),
                3,
                List.of(),
                List.of("192.168.1.0/24", "10.0.0.0/8"),
                List.of());
        PolicyRules other = new PolicyRules(
                "d-other-role",
                List.of("ops"),
                List.of("web-1"),
                Map.of(),
                List.of(),
                Duration.ofMinutes(1),
                Duration.ofMinutes(1),
                1,
                List.of("permit-user-rc"),
                List.of("172.16.0.0/12"),
                List.of());

        AccessDecision decision = PolicyEngine.decide("deploy", WEB1, List.of(c, other, b, a));

        assertThat(decision)
                .isEqualTo(new AccessDecision(
                        true,
                        List.of("a-restart", "b-logs", "c-limit"),
                        List.of(RESTART, LOGS, SudoCommand.ALL),
                        Duration.ofMinutes(10),
                        Duration.ofMinutes(2),
                        3,
                        List.of("permit-agent-forwarding", "permit-pty"),
                        List.of("10.0.0.0/8", "192.168.1.0/24")));
    }

    @Test
    void alwaysGrantsPermitPty() {
        PolicyRules p = new PolicyRules(
                "p",
                List.of("deploy"),
                List.of("web-1"),
                Map.of(),
                List.of(),
                Duration.ofMinutes(15),
                Duration.ofMinutes(5),
                null,
                List.of(),
                List.of(),
                List.of());
        AccessDecision decision = PolicyEngine.decide("deploy", WEB1, List.of(p));
        assertThat(decision.extensions()).containsExactly("permit-pty");
        assertThat(decision.maxConcurrentSessions()).isNull();
        assertThat(decision.sourceAddresses()).isEmpty();
    }

    @Test
    void roleHasAnyPolicyIgnoresServers() {
        List<PolicyRules> policies = List.of(policy("p", List.of("deploy"), List.of(), Map.of("env", "none")));
        assertThat(PolicyEngine.roleHasAnyPolicy("deploy", policies)).isTrue();
        assertThat(PolicyEngine.roleHasAnyPolicy("ops", policies)).isFalse();
        assertThat(PolicyEngine.roleHasAnyPolicy("deploy", List.of())).isFalse();
    }

    @Test
    void accessTokenTtlIsShortestOverTheRolesPolicies() {
        PolicyRules longer = new PolicyRules(
                "a",
                List.of("deploy"),
                List.of("x"),
                Map.of(),
                List.of(),
                Duration.ofMinutes(15),
                Duration.ofMinutes(10),
                null,
                List.of(),
                List.of(),
                List.of());
        PolicyRules shorter = new PolicyRules(
                "b",
                List.of("deploy"),
                List.of("y"),
                Map.of(),
                List.of(),
                Duration.ofMinutes(15),
                Duration.ofMinutes(3),
                null,
                List.of(),
                List.of(),
                List.of());
        assertThat(PolicyEngine.accessTokenTtl("deploy", List.of(longer, shorter)))
                .contains(Duration.ofMinutes(3));
        assertThat(PolicyEngine.accessTokenTtl("ops", List.of(longer, shorter))).isEmpty();
    }

    private static PolicyRules policy(String name, List<String> roles, List<String> names, Map<String, String> labels) {
        return new PolicyRules(
                name,
                roles,
                names,
                labels,
                List.of(RESTART),
                Duration.ofMinutes(15),
                Duration.ofMinutes(5),
                null,
                List.of(),
                List.of(),
                List.of());
    }

    private static SudoCommand cmd(String path, String... args) {
        return new SudoCommand(path, List.of(args), false, false);
    }
}

package dev.keyless.cli.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keyless.cli.admin.TeamConfig.Kind;
import dev.keyless.cli.admin.TeamConfig.Step;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The planner of {@code keyless admin apply}: what a team file against a team's state plans, step by step. */
class TeamConfigTest {
    /** The team as the service has it: an ACTIVE connection, a role, a server, a policy. */
    static final String STATE =
            """
            connections:
            - {name: github, provider: github-actions, issuer: "https://i", audiences: [a, b], max_token_age_seconds: 600, state: ACTIVE}
            roles:
            - {name: deployer, connection: github, claims: {ref: refs/heads/main}}
            servers:
            - {name: web-01, address: 10.0.0.1, port: 22, labels: {env: prod}}
            policies:
            - {name: deploy, roles: [deployer], servers: {labels: {env: prod}}, sudo: [{command: /bin/true}], session_ttl_seconds: 600}
            """;

    static Stream<Arguments> plans() {
        return Stream.of(
                Arguments.of("the same file plans nothing", STATE, List.of()),
                Arguments.of(
                        "lists in another order and numbers of another type are the same",
                        STATE.replace("[a, b], max_token_age_seconds: 600", "[b, a], max_token_age_seconds: 600.0"),
                        List.of()),
                Arguments.of(
                        "a list left out is not managed",
                        "roles:\n- {name: deployer, connection: github, claims: {ref: refs/heads/main}}\n",
                        List.of()),
                Arguments.of(
                        "a field left out keeps its value",
                        STATE.replace(", max_token_age_seconds: 600", ""),
                        List.of()),
                Arguments.of(
                        "a new server is created",
                        STATE.replace("servers:\n", "servers:\n- {name: web-02, address: 10.0.0.2}\n"),
                        List.of("+ server web-02")),
                Arguments.of(
                        "a changed role is updated",
                        STATE.replace("refs/heads/main", "refs/heads/release"),
                        List.of(
                                "~ role deployer: claims: {\"ref\":\"refs/heads/main\"} -> {\"ref\":\"refs/heads/release\"}")),
                Arguments.of(
                        "a change of an ACTIVE connection is said to become a pending change",
                        STATE.replace("[a, b]", "[a, c]"),
                        List.of(
                                "~ connection github: audiences: [\"a\",\"b\"] -> [\"a\",\"c\"]; ACTIVE: becomes a pending"
                                        + " change for a second security admin to approve")),
                Arguments.of(
                        "deactivation is a state step",
                        STATE.replace("state: ACTIVE", "state: INACTIVE"),
                        List.of("~ connection github: state: ACTIVE -> INACTIVE")),
                Arguments.of(
                        "deletions come last, a policy before the role it names",
                        "connections: []\nroles: []\nservers: []\npolicies: []\n",
                        List.of("- policy deploy", "- server web-01", "- role deployer", "- connection github")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("plans")
    void plans(String name, String file, List<String> steps) throws Exception {
        assertThat(plan(file, Map.of()).stream().map(Step::describe).toList()).isEqualTo(steps);
    }

    static Stream<Arguments> refusals() {
        return Stream.of(
                Arguments.of(
                        "an unknown field",
                        "roles:\n- {name: x, connection: github, sudo: ALL}\n",
                        "unknown field 'sudo'"),
                Arguments.of("an item without a name", "servers:\n- {address: 10.0.0.3}\n", "needs a name"),
                Arguments.of(
                        "a duplicate", "servers:\n- {name: a, address: x}\n- {name: a, address: y}\n", "appears twice"),
                Arguments.of("a list that is not one", "roles: deployer\n", "roles must be a list"),
                Arguments.of(
                        "back to DRAFT", STATE.replace("state: ACTIVE", "state: DRAFT"), "cannot return to DRAFT"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refusals")
    void refusesAFileThatCannotBeRight(String name, String file, String message) {
        assertThatThrownBy(() -> plan(file, Map.of())).hasMessageContaining(message);
    }

    @Test
    void aChangeAlreadyProposedIsNotProposedAgain() throws Exception {
        ObjectNode proposed = SpecFiles.YAML.createObjectNode();
        proposed.set("audiences", SpecFiles.YAML.readTree("[a, c]"));
        assertThat(plan(STATE.replace("[a, b]", "[c, a]"), Map.of("github", proposed)).stream()
                        .map(Step::describe)
                        .toList())
                .containsExactly("= connection github: already proposed, waits for approval");
    }

    @Test
    void anUpdateSendsTheLiveSettingsWithTheFilesOverThem() throws Exception {
        Step step = plan(STATE.replace(", max_token_age_seconds: 600", "").replace("[a, b]", "[a]"), Map.of())
                .get(0);
        assertThat(step.body().get("max_token_age_seconds").asInt()).isEqualTo(600);
        assertThat(step.body().get("audiences").toString()).isEqualTo("[\"a\"]");
        assertThat(step.body().has("state")).isFalse();
    }

    private static List<Step> plan(String file, Map<String, JsonNode> pending) throws Exception {
        JsonNode state = SpecFiles.YAML.readTree(STATE);
        Map<Kind, Map<String, ObjectNode>> current = new EnumMap<>(Kind.class);
        for (Kind kind : Kind.values()) {
            current.put(kind, TeamConfig.byName(kind, state.get(kind.key())));
        }
        return TeamConfig.plan(SpecFiles.YAML.readTree(file), current, pending);
    }
}

package dev.keyless.agent.safety;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keyless.protocol.AgentRequests.AgentSession;
import dev.keyless.protocol.SessionState;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class SessionVerifierTest {
    private static final String ID = "3f2a6c1e-8d4b-4c2a-9f1e-0a1b2c3d4e5f";
    private static final Instant LATER = Instant.parse("2030-01-01T00:00:00Z");

    static AgentSession session(String id, String role, String principal, String serial, List<String> sudo) {
        return new AgentSession(id, role, principal, serial, sudo, LATER, SessionState.PENDING);
    }

    static Stream<Arguments> hostile() {
        return Stream.of(
                Arguments.of("role root as principal", session(ID, "root", "root", "1", List.of()), "principal"),
                Arguments.of("role empty", session(ID, "", "wl_", "1", List.of()), "role"),
                Arguments.of("principal root", session(ID, "deployer", "root", "1", List.of()), "principal"),
                Arguments.of("role with path", session(ID, "../x", "wl_../x", "1", List.of()), "role"),
                Arguments.of("role with slash", session(ID, "a/../x", "wl_a/../x", "1", List.of()), "role"),
                Arguments.of(
                        "role with semicolon", session(ID, "deployer;rm", "wl_deployer;rm", "1", List.of()), "role"),
                Arguments.of("role upper case", session(ID, "Deployer", "wl_Deployer", "1", List.of()), "role"),
                Arguments.of(
                        "role too long", session(ID, "a".repeat(30), "wl_" + "a".repeat(30), "1", List.of()), "role"),
                Arguments.of("role unicode", session(ID, "deplоyer", "wl_deplоyer", "1", List.of()), "role"),
                Arguments.of("id traversal", session("../../etc/passwd", "d", "wl_d", "1", List.of()), "id"),
                Arguments.of("id upper case", session(ID.toUpperCase(Locale.ROOT), "d", "wl_d", "1", List.of()), "id"),
                Arguments.of("serial negative", session(ID, "d", "wl_d", "-1", List.of()), "serial"),
                Arguments.of("serial over u64", session(ID, "d", "wl_d", "18446744073709551616", List.of()), "serial"),
                Arguments.of(
                        "sudo newline",
                        session(ID, "d", "wl_d", "1", List.of("/usr/bin/true\nwl_d ALL=(ALL) ALL")),
                        "sudo[0]"),
                Arguments.of(
                        "sudo second rule",
                        session(ID, "d", "wl_d", "1", List.of("/usr/bin/id", "/bin/sh -c id;sh")),
                        "sudo[1]"),
                Arguments.of("sudo relative", session(ID, "d", "wl_d", "1", List.of("bash")), "sudo[0]"),
                Arguments.of("sudo dotdot", session(ID, "d", "wl_d", "1", List.of("/usr/bin/../bin/sh")), "sudo[0]"),
                Arguments.of(
                        "sudo sudoedit",
                        session(ID, "d", "wl_d", "1", List.of("/usr/bin/sudoedit /etc/shadow")),
                        "sudo[0]"),
                Arguments.of("sudo glob path", session(ID, "d", "wl_d", "1", List.of("/usr/bin/*")), "sudo[0]"),
                Arguments.of("sudo runas", session(ID, "d", "wl_d", "1", List.of("(ALL) ALL")), "sudo[0]"),
                Arguments.of(
                        "sudo backslash", session(ID, "d", "wl_d", "1", List.of("/usr/bin/echo a\\,b")), "sudo[0]"),
                Arguments.of("sudo comment", session(ID, "d", "wl_d", "1", List.of("/usr/bin/true #x")), "sudo[0]"),
                Arguments.of(
                        "sudo double space", session(ID, "d", "wl_d", "1", List.of("/usr/bin/id  -u")), "sudo[0]"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("hostile")
    void refusesHostileSession(String name, AgentSession session, String field) {
        assertThatThrownBy(() -> SessionVerifier.verify(session))
                .isInstanceOf(SessionRejectedException.class)
                .hasMessageStartingWith(field);
    }

    @Test
    void refusalNeverEchoesTheValue() {
        assertThatThrownBy(() -> SessionVerifier.verify(session(ID, "d", "wl_d", "1", List.of("/bin/sh -c evil;x"))))
                .hasMessageNotContaining("evil");
    }

    @Test
    void acceptsRenderedCommandsAsTheServiceSendsThem() {
        VerifiedSession verified = SessionVerifier.verify(session(
                ID,
                "deployer",
                "wl_deployer",
                "18446744073709551615",
                List.of("/usr/bin/systemctl restart app", "/usr/bin/journalctl -u app*", "ALL", "/usr/bin/id")));
        assertThat(verified.principal()).isEqualTo("wl_deployer");
        assertThat(verified.sudo()).hasSize(4);
        assertThat(verified.sudo().get(1).wildcards()).isTrue();
        assertThat(verified.sudo().get(2).unrestricted()).isTrue();
        assertThat(verified.sudo().get(0).text()).isEqualTo("/usr/bin/systemctl restart app");
    }
}

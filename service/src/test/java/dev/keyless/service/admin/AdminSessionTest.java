package dev.keyless.service.admin;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** When a console session stops authenticating: logout, the absolute timeout, the idle timeout. */
class AdminSessionTest {
    static final Instant START = Instant.parse("2026-12-02T08:00:00Z");
    static final Duration IDLE = Duration.ofMinutes(30);

    static AdminSession session(Instant lastSeen, Instant ended) {
        return new AdminSession("acme", "alice", "csrf", START, lastSeen, START.plus(Duration.ofHours(12)), ended);
    }

    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of(Named.of("fresh", session(START, null)), START.plusSeconds(60), null),
                Arguments.of(
                        Named.of("active for hours", session(START.plus(Duration.ofHours(11)), null)),
                        START.plus(Duration.ofHours(11).plusMinutes(10)),
                        null),
                Arguments.of(Named.of("idle 30 minutes", session(START, null)), START.plus(IDLE), "was idle too long"),
                Arguments.of(
                        Named.of("past 12 hours however active", session(START.plus(Duration.ofHours(12)), null)),
                        START.plus(Duration.ofHours(12)),
                        "reached its absolute timeout"),
                Arguments.of(
                        Named.of("logged out", session(START, START.plusSeconds(10))),
                        START.plusSeconds(20),
                        "ended by logout"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void deadAt(AdminSession session, Instant now, String reason) {
        assertThat(session.deadAt(now, IDLE)).isEqualTo(reason);
    }
}

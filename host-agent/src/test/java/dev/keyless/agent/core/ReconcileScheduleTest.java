package dev.keyless.agent.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keyless.agent.core.ReconcileSchedule.Reason;
import dev.keyless.testkit.TestClock;
import java.time.Duration;
import java.time.Instant;
import java.util.Random;
import java.util.function.BiFunction;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ReconcileScheduleTest {
    private static final Duration FULL = Duration.ofMinutes(10);

    /** A schedule that reconciled against ("S1", "L1") at the start, then the given steps. */
    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of("digests agree", step((s, c) -> s.due("A", "A")), Reason.NONE),
                Arguments.of("digests differ", step((s, c) -> s.due("A", "B")), Reason.DIGEST_DIFFERS),
                Arguments.of("the pair it just reconciled against", step((s, c) -> s.due("S1", "L1")), Reason.NONE),
                Arguments.of(
                        "the same pair after the retry interval",
                        step((s, c) -> {
                            c.advance(ReconcileSchedule.RETRY_SAME);
                            return s.due("S1", "L1");
                        }),
                        Reason.DIGEST_DIFFERS),
                Arguments.of(
                        "a reconnect",
                        step((s, c) -> {
                            s.reconnected();
                            return s.due("A", "A");
                        }),
                        Reason.RECONNECTED),
                Arguments.of(
                        "before the jittered period (at least 80%)",
                        step((s, c) -> {
                            c.advance(FULL.multipliedBy(79).dividedBy(100));
                            return s.due("A", "A");
                        }),
                        Reason.NONE),
                Arguments.of(
                        "after the jittered period (at most 120%)",
                        step((s, c) -> {
                            c.advance(FULL.multipliedBy(121).dividedBy(100));
                            return s.due("A", "A");
                        }),
                        Reason.PERIODIC),
                Arguments.of(
                        "a reconcile clears the reconnect",
                        step((s, c) -> {
                            s.reconnected();
                            s.reconciled("A", "A");
                            return s.due("A", "A");
                        }),
                        Reason.NONE));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void decides(String name, BiFunction<ReconcileSchedule, TestClock, Reason> steps, Reason expected) {
        TestClock clock = new TestClock(Instant.parse("2026-12-01T00:00:00Z"));
        ReconcileSchedule schedule = new ReconcileSchedule(FULL, clock, new Random(7));
        schedule.reconciled("S1", "L1");
        assertThat(steps.apply(schedule, clock)).isEqualTo(expected);
    }

    private static BiFunction<ReconcileSchedule, TestClock, Reason> step(
            BiFunction<ReconcileSchedule, TestClock, Reason> f) {
        return f;
    }
}

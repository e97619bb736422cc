package dev.keyless.service.audit.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class Rfc5424Test {
    static final Rfc5424 FORMAT = new Rfc5424(Rfc5424.facility("authpriv"), "keyless", "host-1");

    static StreamItem item(String type, String outcome, String json) {
        return new StreamItem(
                "audit_event", "acme", 42, type, outcome, Instant.parse("2026-01-31T12:00:00.123Z"), json);
    }

    static Stream<Arguments> messages() {
        return Stream.of(
                Arguments.of(
                        "success is authpriv.info",
                        item("workload.authenticate", "success", "{\"a\":1}"),
                        "<86>1 2026-01-31T12:00:00.123Z host-1 keyless 7 workload.authenticate [keyless@32473 team=\"acme\""
                                + " seq=\"42\" outcome=\"success\" record_type=\"audit_event\"] {\"a\":1}"),
                Arguments.of(
                        "failure is authpriv.notice",
                        item("workload.authenticate", "failure", "{}"),
                        "<85>1 2026-01-31T12:00:00.123Z host-1 keyless 7 workload.authenticate [keyless@32473 team=\"acme\""
                                + " seq=\"42\" outcome=\"failure\" record_type=\"audit_event\"] {}"),
                Arguments.of(
                        "an over-long or spaced MSGID is cut and made printable",
                        item("a type with spaces that is much longer than thirty-two", "success", "{}"),
                        "<86>1 2026-01-31T12:00:00.123Z host-1 keyless 7 a_type_with_spaces_that_is_much_ [keyless@32473"
                                + " team=\"acme\" seq=\"42\" outcome=\"success\" record_type=\"audit_event\"] {}"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("messages")
    void framesWithTheOctetCountOfTheUtf8Message(String name, StreamItem item, String message) {
        String framed = new String(FORMAT.frame(item, 7), StandardCharsets.UTF_8);
        assertThat(framed).isEqualTo(message.getBytes(StandardCharsets.UTF_8).length + " " + message);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("params")
    void escapesStructuredDataValues(String value, String escaped) {
        assertThat(Rfc5424.param(value)).isEqualTo(escaped);
    }

    static Stream<Arguments> params() {
        return Stream.of(
                Arguments.of("plain", "plain"),
                Arguments.of("q\"uote", "q\\\"uote"),
                Arguments.of("back\\slash", "back\\\\slash"),
                Arguments.of("br]acket", "br\\]acket"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("sizes")
    void readsFileSizes(String value, long bytes) {
        assertThat(Sinks.sizeBytes(value)).isEqualTo(bytes);
    }

    static Stream<Arguments> sizes() {
        return Stream.of(
                Arguments.of("100MB", 100L << 20),
                Arguments.of("4KB", 4096L),
                Arguments.of("1gb", 1L << 30),
                Arguments.of("512", 512L));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badSettings")
    void refusesBadSettings(String name, Runnable setting) {
        assertThatThrownBy(setting::run).isInstanceOf(IllegalArgumentException.class);
    }

    static Stream<Arguments> badSettings() {
        return Stream.of(
                Arguments.of("unknown facility", (Runnable) () -> Rfc5424.facility("local9")),
                Arguments.of("zero size", (Runnable) () -> Sinks.sizeBytes("0MB")),
                Arguments.of("size not a number", (Runnable) () -> Sinks.sizeBytes("lots")));
    }

    /** Sink settings that would send less protected than asked are refused at start. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("badSinkSettings")
    void refusesBadSinkSettings(String name, Map<String, Object> props) {
        io.micronaut.context.env.Environment env =
                new io.micronaut.context.env.DefaultEnvironment(() -> List.of("test"));
        env.addPropertySource(io.micronaut.context.env.PropertySource.of("test", props));
        env.start();
        try {
            assertThatThrownBy(() -> Sinks.configured(StreamSettings.from(env)))
                    .isInstanceOf(IllegalArgumentException.class);
        } finally {
            env.stop();
        }
    }

    static Stream<Arguments> badSinkSettings() {
        String p = StreamSettings.PREFIX;
        return Stream.of(
                Arguments.of(
                        "RELP CA file without relp.tls (would send in clear text)",
                        Map.of(p + "relp.host", "loghost", p + "relp.ca-file", "/etc/ca.pem")),
                Arguments.of(
                        "RELP client certificate without its key",
                        Map.of(
                                p + "relp.host", "loghost",
                                p + "relp.tls", "true",
                                p + "relp.cert-file", "/etc/client.pem")),
                Arguments.of(
                        "an unknown record format", Map.of(p + "file.path", "/tmp/a.jsonl", p + "file.format", "cef")));
    }

    @ParameterizedTest(name = "attempt {0}")
    @MethodSource("attempts")
    void backoffDoublesWithJitterUpToItsCeiling(int failures, long lowMillis, long highMillis) {
        Backoff backoff = new Backoff(Duration.ofSeconds(8));
        Duration d = Duration.ZERO;
        for (int i = 0; i <= failures; i++) {
            d = backoff.next();
        }
        assertThat(d.toMillis()).isBetween(lowMillis, highMillis);
    }

    static Stream<Arguments> attempts() {
        return Stream.of(
                Arguments.of(0, 250L, 500L),
                Arguments.of(1, 500L, 1000L),
                Arguments.of(3, 2000L, 4000L),
                Arguments.of(10, 4000L, 8000L));
    }
}

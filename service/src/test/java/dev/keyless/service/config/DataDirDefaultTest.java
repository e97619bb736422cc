package dev.keyless.service.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class DataDirDefaultTest {
    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of(Named.of("KEYLESS_DATA_DIR wins", Map.of("KEYLESS_DATA_DIR", "/srv/k")), null),
                Arguments.of(Named.of("XDG_DATA_HOME", Map.of("XDG_DATA_HOME", "/x/data")), "/x/data/keyless"),
                Arguments.of(
                        Named.of("a relative XDG_DATA_HOME is ignored", Map.of("XDG_DATA_HOME", "rel")),
                        "/home/u/.local/share/keyless"),
                Arguments.of(Named.of("nothing set", Map.of()), "/home/u/.local/share/keyless"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void picksAFixedPerUserDirectory(Map<String, String> env, String expected) {
        Map<String, Object> props = DataDirDefault.fromEnvironment(env, "/home/u");
        if (expected == null) {
            assertThat(props).isEmpty();
        } else {
            assertThat(props).containsEntry(DataDirDefault.PROPERTY, expected);
        }
    }
}

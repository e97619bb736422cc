package dev.keyless.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class MaskerTest {
    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of("replaces every occurrence", "eyJ.abc.def", "a eyJ.abc.def b eyJ.abc.def", "a *** b ***"),
                Arguments.of("each line of a multi-line secret", "line-one\nline-two", "x line-two y", "x *** y"),
                Arguments.of("short secrets are ignored", "abc", "abc abc", "abc abc"),
                Arguments.of("longest first", "token-123456", "token-123456789", "***789"),
                Arguments.of("null secret ignored", null, "text", "text"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void masks(String name, String secret, String text, String expected) {
        Masker masker = new Masker();
        masker.register(secret);
        assertThat(masker.mask(text)).isEqualTo(expected);
    }
}

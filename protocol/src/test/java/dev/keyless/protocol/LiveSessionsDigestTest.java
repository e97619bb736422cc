package dev.keyless.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class LiveSessionsDigestTest {
    // Expected values from: printf 'a-1\nb-2\n' | openssl dgst -sha256 -binary | head -c16 | basenc --base64url
    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of("no sessions", List.of(), "47DEQpj8HBSa-_TImW-5JA"),
                Arguments.of("sorted", List.of("a-1", "b-2"), "ZiKfhQbCQlImWXh3-UCrEw"),
                Arguments.of("any order", List.of("b-2", "a-1"), "ZiKfhQbCQlImWXh3-UCrEw"),
                Arguments.of("duplicates count once", List.of("b-2", "a-1", "b-2"), "ZiKfhQbCQlImWXh3-UCrEw"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void digestsTheDistinctSortedIds(String name, List<String> ids, String expected) {
        assertThat(LiveSessionsDigest.of(ids)).isEqualTo(expected);
    }
}

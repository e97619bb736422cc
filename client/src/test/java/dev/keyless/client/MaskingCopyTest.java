package dev.keyless.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class MaskingCopyTest {
    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of("a secret in a line", "s3cr3t-value", "db=s3cr3t-value\nok\n", "db=***\nok\n"),
                Arguments.of(
                        "each line of a multi-line secret",
                        "line-one\nline-two",
                        "a line-one\nb line-two\n",
                        "a ***\nb ***\n"),
                Arguments.of("a last line without newline", "s3cr3t-value", "x s3cr3t-value", "x ***"),
                Arguments.of("nothing to mask is copied as is", "s3cr3t-value", "plain\n\nüñí\n", "plain\n\nüñí\n"),
                Arguments.of("empty input", "s3cr3t-value", "", ""));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void masksLineByLine(String name, String secret, String input, String expected) throws IOException {
        Masker masker = new Masker();
        masker.register(secret);
        assertThat(copy(new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)), masker))
                .isEqualTo(expected);
    }

    @Test
    void aSecretArrivingInSmallReadsIsStillMasked() throws IOException {
        Masker masker = new Masker();
        masker.register("s3cr3t-value");
        byte[] bytes = "before s3cr3t-value after\n".getBytes(StandardCharsets.UTF_8);
        InputStream oneByteAtATime = new ByteArrayInputStream(bytes) {
            @Override
            public synchronized int read(byte[] b, int off, int len) {
                return super.read(b, off, Math.min(len, 1));
            }
        };
        assertThat(copy(oneByteAtATime, masker)).isEqualTo("before *** after\n");
    }

    @Test
    void bytesThatAreNotUtf8PassUnchangedWhenNothingIsMasked() throws IOException {
        Masker masker = new Masker();
        masker.register("s3cr3t-value");
        byte[] bytes = {(byte) 0xff, (byte) 0xfe, '\n'};
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        MaskingCopy.copy(new ByteArrayInputStream(bytes), out, masker);
        assertThat(out.toByteArray()).isEqualTo(bytes);
    }

    private static String copy(InputStream in, Masker masker) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        MaskingCopy.copy(in, out, masker);
        return out.toString(StandardCharsets.UTF_8);
    }
}

package dev.keyless.protocol.ssh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The RFC 4251 section 5 types, byte for byte, and every way a hostile input can be malformed. */
class SshWireTest {
    static Stream<Arguments> encodings() {
        return Stream.of(
                Arguments.of("byte", new SshWireWriter().writeByte(0xFE), bytes(0xFE)),
                Arguments.of("uint32", new SshWireWriter().writeUint32(0x29B7F4AAL), bytes(0x29, 0xB7, 0xF4, 0xAA)),
                Arguments.of(
                        "uint64 above Long.MAX_VALUE",
                        new SshWireWriter().writeUint64(-1L),
                        bytes(0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF)),
                Arguments.of(
                        "string",
                        new SshWireWriter().writeString("testing"),
                        bytes(0, 0, 0, 7, 't', 'e', 's', 't', 'i', 'n', 'g')),
                // The mpint examples of RFC 4251 section 5.
                Arguments.of("mpint 0", new SshWireWriter().writeMpint(BigInteger.ZERO), bytes(0, 0, 0, 0)),
                Arguments.of(
                        "mpint 9a378f9b2e332a7",
                        new SshWireWriter().writeMpint(new BigInteger("9a378f9b2e332a7", 16)),
                        bytes(0, 0, 0, 8, 0x09, 0xa3, 0x78, 0xf9, 0xb2, 0xe3, 0x32, 0xa7)),
                Arguments.of(
                        "mpint 80",
                        new SshWireWriter().writeMpint(BigInteger.valueOf(0x80)),
                        bytes(0, 0, 0, 2, 0, 0x80)),
                Arguments.of(
                        "mpint -1234",
                        new SshWireWriter().writeMpint(BigInteger.valueOf(-0x1234)),
                        bytes(0, 0, 0, 2, 0xed, 0xcc)),
                Arguments.of(
                        "name-list zlib,none",
                        new SshWireWriter().writeNameList(List.of("zlib", "none")),
                        bytes(0, 0, 0, 9, 'z', 'l', 'i', 'b', ',', 'n', 'o', 'n', 'e')),
                Arguments.of("nested string", nested(), bytes(0, 0, 0, 9, 0, 0, 0, 1, 'a', 0, 0, 0, 0)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("encodings")
    void encodesAsRfc4251Says(String name, SshWireWriter writer, byte[] expected) {
        assertThat(writer.toByteArray()).containsExactly(expected);
        assertThat(writer.size()).isEqualTo(expected.length);
    }

    @Test
    void readsBackWhatWasWritten() {
        byte[] wire = new SshWireWriter(1)
                .writeByte(13)
                .writeUint32(0xFFFFFFFFL)
                .writeUint64(-2L)
                .writeString("ssh-ed25519")
                .writeMpint(new BigInteger("-9a378f9b2e332a7", 16))
                .writeString(new byte[] {1, 2, 3, 4}, 1, 2)
                .toByteArray();
        SshWireReader reader = new SshWireReader(wire);
        assertThat(reader.readByte()).isEqualTo(13);
        assertThat(reader.readUint32()).isEqualTo(0xFFFFFFFFL);
        assertThat(reader.readUint64()).isEqualTo(-2L);
        assertThat(reader.readAsciiString()).isEqualTo("ssh-ed25519");
        assertThat(reader.readMpint()).isEqualTo(new BigInteger("-9a378f9b2e332a7", 16));
        assertThat(reader.readString()).containsExactly(2, 3);
        reader.requireFullyConsumed();
    }

    static Stream<Arguments> malformed() {
        return Stream.of(
                Arguments.of(
                        "byte of nothing", bytes(), read(SshWireReader::readByte), "data ends before the field does"),
                Arguments.of(
                        "uint32 of three bytes",
                        bytes(0, 0, 1),
                        read(SshWireReader::readUint32),
                        "data ends before the field does"),
                Arguments.of(
                        "uint64 of four bytes",
                        bytes(0, 0, 0, 1),
                        read(SshWireReader::readUint64),
                        "data ends before the field does"),
                Arguments.of(
                        "string longer than the data",
                        bytes(0, 0, 0, 5, 'a'),
                        read(SshWireReader::readString),
                        "string length exceeds the remaining data"),
                Arguments.of(
                        "string of length 2^32-1",
                        bytes(0xFF, 0xFF, 0xFF, 0xFF),
                        read(SshWireReader::readString),
                        "string length exceeds the remaining data"),
                Arguments.of(
                        "name with a control character",
                        bytes(0, 0, 0, 2, 'a', '\n'),
                        read(SshWireReader::readAsciiString),
                        "name is not printable ASCII"),
                Arguments.of(
                        "name with a non-ASCII byte",
                        bytes(0, 0, 0, 1, 0xC3),
                        read(SshWireReader::readAsciiString),
                        "name is not printable ASCII"),
                Arguments.of(
                        "trailing data",
                        bytes(0, 0, 0, 0, 7),
                        read(r -> {
                            r.readString();
                            r.requireFullyConsumed();
                        }),
                        "trailing data after the last field"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformed")
    void refusesMalformedInput(String name, byte[] wire, Consumer<SshWireReader> read, String message) {
        assertThatThrownBy(() -> read.accept(new SshWireReader(wire)))
                .isInstanceOf(SshWireFormatException.class)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(message);
    }

    private static SshWireWriter nested() {
        SshWireWriter writer = new SshWireWriter(2);
        int mark = writer.beginString();
        writer.writeString("a").writeString(new byte[0]);
        return writer.endString(mark);
    }

    private static Consumer<SshWireReader> read(Consumer<SshWireReader> read) {
        return read;
    }

    private static byte[] bytes(int... values) {
        byte[] bytes = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            bytes[i] = (byte) values[i];
        }
        return bytes;
    }
}

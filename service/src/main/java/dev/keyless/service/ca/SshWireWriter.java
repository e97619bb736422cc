package dev.keyless.service.ca;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * Encoder for the SSH wire types of RFC 4251 section 5 (uint32, uint64, string, mpint, name-list) into a
 * growable byte array.
 *
 * <p>Hand-written on purpose: the format is tiny, and no Maven Central library offers it without pulling
 * in a whole SSH stack. Nested strings (a string whose content is itself wire data, as certificate
 * principals and options are) are written in place with {@link #beginString()} / {@link #endString(int)}
 * so that encoding a certificate needs no intermediate buffers. Not thread-safe; one writer per encode.
 */
final class SshWireWriter {
    private byte[] buffer;
    private int size;

    SshWireWriter(int initialCapacity) {
        this.buffer = new byte[initialCapacity];
    }

    SshWireWriter writeUint32(long value) {
        ensure(4);
        buffer[size] = (byte) (value >>> 24);
        buffer[size + 1] = (byte) (value >>> 16);
        buffer[size + 2] = (byte) (value >>> 8);
        buffer[size + 3] = (byte) value;
        size += 4;
        return this;
    }

    /** Writes the long as an unsigned 64-bit value. */
    SshWireWriter writeUint64(long value) {
        writeUint32(value >>> 32);
        return writeUint32(value & 0xFFFFFFFFL);
    }

    SshWireWriter writeString(byte[] value) {
        return writeString(value, 0, value.length);
    }

    SshWireWriter writeString(byte[] value, int offset, int length) {
        writeUint32(length);
        return writeRaw(value, offset, length);
    }

    SshWireWriter writeString(String utf8) {
        return writeString(utf8.getBytes(StandardCharsets.UTF_8));
    }

    /** Writes a two's-complement mpint; {@link BigInteger#toByteArray()} is already minimal. */
    SshWireWriter writeMpint(BigInteger value) {
        return value.signum() == 0 ? writeUint32(0) : writeString(value.toByteArray());
    }

    SshWireWriter writeNameList(List<String> names) {
        return writeString(String.join(",", names));
    }

    SshWireWriter writeRaw(byte[] value, int offset, int length) {
        ensure(length);
        System.arraycopy(value, offset, buffer, size, length);
        size += length;
        return this;
    }

    /** Reserves a length prefix for a nested string; pass the result to {@link #endString(int)}. */
    int beginString() {
        int mark = size;
        writeUint32(0);
        return mark;
    }

    SshWireWriter endString(int mark) {
        int length = size - mark - 4;
        buffer[mark] = (byte) (length >>> 24);
        buffer[mark + 1] = (byte) (length >>> 16);
        buffer[mark + 2] = (byte) (length >>> 8);
        buffer[mark + 3] = (byte) length;
        return this;
    }

    int size() {
        return size;
    }

    /** The internal array; valid up to {@link #size()} until the next write. */
    byte[] array() {
        return buffer;
    }

    byte[] toByteArray() {
        return Arrays.copyOf(buffer, size);
    }

    private void ensure(int extra) {
        if (size + extra > buffer.length) {
            buffer = Arrays.copyOf(buffer, Math.max(buffer.length * 2, size + extra));
        }
    }
}

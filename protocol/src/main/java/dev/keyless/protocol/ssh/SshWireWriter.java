package dev.keyless.protocol.ssh;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * Encoder for the SSH wire types of RFC 4251 section 5 ({@code byte}, {@code uint32}, {@code uint64},
 * {@code string}, {@code mpint}, {@code name-list}) into a growable byte array: the one SSH wire encoder
 * of Keyless, used by the service (certificates, CA keys) and the client (ssh-agent protocol, key blobs).
 *
 * <p>Hand-written on purpose: the format is tiny, and no Maven Central library offers it without pulling
 * in a whole SSH stack. Nested strings (a string whose content is itself wire data, as certificate
 * principals and options are) are written in place with {@link #beginString()} / {@link #endString(int)}
 * so that encoding a certificate needs no intermediate buffers. Not thread-safe; one writer per encode.
 */
public final class SshWireWriter {
    private byte[] buffer;
    private int size;

    /** A writer with a small initial buffer that grows as needed. */
    public SshWireWriter() {
        this(64);
    }

    /** @param initialCapacity the expected size in bytes; the buffer grows past it if needed */
    public SshWireWriter(int initialCapacity) {
        this.buffer = new byte[initialCapacity];
    }

    /** Writes the low eight bits of {@code value} as one {@code byte}. */
    public SshWireWriter writeByte(int value) {
        ensure(1);
        buffer[size++] = (byte) value;
        return this;
    }

    /** Writes the low 32 bits of {@code value} as a {@code uint32}. */
    public SshWireWriter writeUint32(long value) {
        ensure(4);
        buffer[size] = (byte) (value >>> 24);
        buffer[size + 1] = (byte) (value >>> 16);
        buffer[size + 2] = (byte) (value >>> 8);
        buffer[size + 3] = (byte) value;
        size += 4;
        return this;
    }

    /** Writes the long as an unsigned 64-bit value. */
    public SshWireWriter writeUint64(long value) {
        writeUint32(value >>> 32);
        return writeUint32(value & 0xFFFFFFFFL);
    }

    /** Writes a {@code string} holding all of {@code value}. */
    public SshWireWriter writeString(byte[] value) {
        return writeString(value, 0, value.length);
    }

    /** Writes a {@code string} holding {@code length} bytes of {@code value} from {@code offset}. */
    public SshWireWriter writeString(byte[] value, int offset, int length) {
        writeUint32(length);
        return writeRaw(value, offset, length);
    }

    /** Writes a {@code string} holding the UTF-8 bytes of {@code utf8}. */
    public SshWireWriter writeString(String utf8) {
        return writeString(utf8.getBytes(StandardCharsets.UTF_8));
    }

    /** Writes a two's-complement mpint; {@link BigInteger#toByteArray()} is already minimal. */
    public SshWireWriter writeMpint(BigInteger value) {
        return value.signum() == 0 ? writeUint32(0) : writeString(value.toByteArray());
    }

    /** Writes a {@code name-list}: the names joined by commas, as one string. */
    public SshWireWriter writeNameList(List<String> names) {
        return writeString(String.join(",", names));
    }

    /** Writes bytes without a length prefix. */
    public SshWireWriter writeRaw(byte[] value, int offset, int length) {
        ensure(length);
        System.arraycopy(value, offset, buffer, size, length);
        size += length;
        return this;
    }

    /** Reserves a length prefix for a nested string; pass the result to {@link #endString(int)}. */
    public int beginString() {
        int mark = size;
        writeUint32(0);
        return mark;
    }

    /** Fills in the length prefix reserved by {@link #beginString()} with what was written since. */
    public SshWireWriter endString(int mark) {
        int length = size - mark - 4;
        buffer[mark] = (byte) (length >>> 24);
        buffer[mark + 1] = (byte) (length >>> 16);
        buffer[mark + 2] = (byte) (length >>> 8);
        buffer[mark + 3] = (byte) length;
        return this;
    }

    /** How many bytes have been written. */
    public int size() {
        return size;
    }

    /** The internal array; valid up to {@link #size()} until the next write. */
    public byte[] array() {
        return buffer;
    }

    /** A copy of the bytes written so far. */
    public byte[] toByteArray() {
        return Arrays.copyOf(buffer, size);
    }

    private void ensure(int extra) {
        if (size + extra > buffer.length) {
            buffer = Arrays.copyOf(buffer, Math.max(buffer.length * 2, size + extra));
        }
    }
}

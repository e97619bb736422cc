package dev.keyless.protocol.ssh;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Decoder for the SSH wire types of RFC 4251 section 5 ({@code byte}, {@code uint32}, {@code uint64},
 * {@code string}, {@code mpint}) over one byte array: the one SSH wire decoder of Keyless, used by the
 * service (public keys), the client (ssh-agent protocol) and the host agent (certificates sshd reports).
 *
 * <p>Hand-written on purpose: the format is tiny, and no Maven Central library offers it without pulling
 * in a whole SSH client/server stack. Every read is bounds-checked against the remaining bytes, so a
 * hostile length prefix fails with {@link SshWireFormatException} instead of allocating. Not thread-safe;
 * use one reader per decode.
 */
public final class SshWireReader {
    private final byte[] data;
    private int position;

    /** @param data the wire bytes; not copied, so do not change them while reading */
    public SshWireReader(byte[] data) {
        this.data = data;
    }

    /** Reads one {@code byte} as an unsigned value (0–255). */
    public int readByte() {
        require(1);
        return data[position++] & 0xFF;
    }

    /** Reads a {@code uint32} as a non-negative long. */
    public long readUint32() {
        require(4);
        long value = ((data[position] & 0xFFL) << 24)
                | ((data[position + 1] & 0xFFL) << 16)
                | ((data[position + 2] & 0xFFL) << 8)
                | (data[position + 3] & 0xFFL);
        position += 4;
        return value;
    }

    /** Returns the unsigned 64-bit value in a long (two's complement above {@code Long.MAX_VALUE}). */
    public long readUint64() {
        long high = readUint32();
        long low = readUint32();
        return (high << 32) | low;
    }

    /** Reads a {@code string}: its bytes, as a fresh array. */
    public byte[] readString() {
        long length = readUint32();
        if (length > remaining()) {
            throw new SshWireFormatException("string length exceeds the remaining data");
        }
        byte[] value = Arrays.copyOfRange(data, position, position + (int) length);
        position += (int) length;
        return value;
    }

    /** Reads a string that must be printable US-ASCII, as SSH algorithm and curve names are. */
    public String readAsciiString() {
        byte[] bytes = readString();
        for (byte b : bytes) {
            if (b < 0x20 || b > 0x7E) {
                throw new SshWireFormatException("name is not printable ASCII");
            }
        }
        return new String(bytes, StandardCharsets.US_ASCII);
    }

    /** Reads an mpint; the caller decides whether negative values are acceptable. */
    public BigInteger readMpint() {
        byte[] bytes = readString();
        return bytes.length == 0 ? BigInteger.ZERO : new BigInteger(bytes);
    }

    /** How many bytes are left unread. */
    public int remaining() {
        return data.length - position;
    }

    /** Fails unless every byte has been read. */
    public void requireFullyConsumed() {
        if (remaining() != 0) {
            throw new SshWireFormatException("trailing data after the last field");
        }
    }

    private void require(int count) {
        if (remaining() < count) {
            throw new SshWireFormatException("data ends before the field does");
        }
    }
}

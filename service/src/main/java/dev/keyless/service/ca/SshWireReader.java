package dev.keyless.service.ca;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Decoder for the SSH wire types of RFC 4251 section 5 (uint32, uint64, string, mpint) over one byte
 * array.
 *
 * <p>Hand-written on purpose: the format is tiny, and no Maven Central library offers it without pulling
 * in a whole SSH client/server stack. Every read is bounds-checked against the remaining bytes, so a
 * hostile length prefix fails with {@link SshWireFormatException} instead of allocating. Not thread-safe;
 * use one reader per decode.
 */
final class SshWireReader {
    private final byte[] data;
    private int position;

    SshWireReader(byte[] data) {
        this.data = data;
    }

    long readUint32() {
        require(4);
        long value = ((data[position] & 0xFFL) << 24)
                | ((data[position + 1] & 0xFFL) << 16)
                | ((data[position + 2] & 0xFFL) << 8)
                | (data[position + 3] & 0xFFL);
        position += 4;
        return value;
    }

    /** Returns the unsigned 64-bit value in a long (two's complement above {@code Long.MAX_VALUE}). */
    long readUint64() {
        long high = readUint32();
        long low = readUint32();
        return (high << 32) | low;
    }

    byte[] readString() {
        long length = readUint32();
        if (length > remaining()) {
            throw new SshWireFormatException("string length exceeds the remaining data");
        }
        byte[] value = Arrays.copyOfRange(data, position, position + (int) length);
        position += (int) length;
        return value;
    }

    /** Reads a string that must be printable US-ASCII, as SSH algorithm and curve names are. */
    String readAsciiString() {
        byte[] bytes = readString();
        for (byte b : bytes) {
            if (b < 0x20 || b > 0x7E) {
                throw new SshWireFormatException("name is not printable ASCII");
            }
        }
        return new String(bytes, StandardCharsets.US_ASCII);
    }

    /** Reads an mpint; the caller decides whether negative values are acceptable. */
    BigInteger readMpint() {
        byte[] bytes = readString();
        return bytes.length == 0 ? BigInteger.ZERO : new BigInteger(bytes);
    }

    int remaining() {
        return data.length - position;
    }

    void requireFullyConsumed() {
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

package dev.keyless.client.ssh;

import java.io.ByteArrayOutputStream;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/** The SSH wire encoding (RFC 4251 section 5): {@code uint32}, {@code string}, {@code byte}. */
final class SshWire {
    private SshWire() {}

    /** Builds a message; not thread-safe. */
    static final class Writer {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        Writer u8(int b) {
            out.write(b);
            return this;
        }

        Writer u32(long v) {
            out.write((int) (v >>> 24));
            out.write((int) (v >>> 16));
            out.write((int) (v >>> 8));
            out.write((int) v);
            return this;
        }

        Writer string(byte[] b) {
            u32(b.length);
            out.write(b, 0, b.length);
            return this;
        }

        Writer string(String s) {
            return string(s.getBytes(StandardCharsets.UTF_8));
        }

        byte[] bytes() {
            return out.toByteArray();
        }
    }

    /** Reads a message; fails with {@link IllegalArgumentException} on truncated input. */
    static final class Reader {
        private final ByteBuffer in;

        Reader(byte[] bytes) {
            this.in = ByteBuffer.wrap(bytes);
        }

        int u8() {
            try {
                return in.get() & 0xff;
            } catch (BufferUnderflowException e) {
                throw new IllegalArgumentException("truncated SSH message", e);
            }
        }

        long u32() {
            try {
                return in.getInt() & 0xffffffffL;
            } catch (BufferUnderflowException e) {
                throw new IllegalArgumentException("truncated SSH message", e);
            }
        }

        byte[] string() {
            long n = u32();
            if (n > in.remaining()) {
                throw new IllegalArgumentException("truncated SSH message");
            }
            byte[] b = new byte[(int) n];
            in.get(b);
            return b;
        }
    }
}

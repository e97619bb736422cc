package dev.keyless.service.secrets;

import dev.keyless.service.problem.KeylessException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * The two encodings of a value on the wire: {@code text} (any valid Unicode, stored as UTF-8) and
 * {@code base64} (bytes). Refusals name the field and the rule, never the value.
 */
final class SecretValues {
    static final int MAX_BYTES = 64 * 1024;
    static final String TEXT = "text";
    static final String BASE64 = "base64";

    private SecretValues() {}

    static String encoding(String encoding) {
        if (encoding == null || encoding.equals(TEXT)) {
            return TEXT;
        }
        if (encoding.equals(BASE64)) {
            return BASE64;
        }
        throw KeylessException.invalid("encoding", "must be text or base64");
    }

    /** The bytes of a value in {@code encoding}; the caller wipes them. */
    static byte[] decode(String value, String encoding) {
        if (value == null || value.isEmpty()) {
            throw KeylessException.invalid("value", "is required and must not be empty");
        }
        // Cheap bound first: no encoding makes fewer bytes than a quarter of its characters.
        if (value.length() > MAX_BYTES * 2) {
            throw tooLarge();
        }
        byte[] bytes;
        if (encoding.equals(BASE64)) {
            try {
                bytes = Base64.getDecoder().decode(value);
            } catch (IllegalArgumentException e) {
                throw KeylessException.invalid("value", "is not valid base64 (standard alphabet, padded)");
            }
        } else {
            try {
                ByteBuffer encoded = StandardCharsets.UTF_8
                        .newEncoder()
                        .onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT)
                        .encode(CharBuffer.wrap(value));
                bytes = new byte[encoded.remaining()];
                encoded.get(bytes);
                if (encoded.hasArray()) {
                    wipe(encoded);
                }
            } catch (CharacterCodingException e) {
                throw KeylessException.invalid("value", "is not valid Unicode text (a lone surrogate?); send base64");
            }
        }
        if (bytes.length == 0) {
            throw KeylessException.invalid("value", "is required and must not be empty");
        }
        if (bytes.length > MAX_BYTES) {
            java.util.Arrays.fill(bytes, (byte) 0);
            throw tooLarge();
        }
        return bytes;
    }

    /** The wire form of stored bytes. */
    static String encode(byte[] bytes, String encoding) {
        return encoding.equals(BASE64)
                ? Base64.getEncoder().encodeToString(bytes)
                : new String(bytes, StandardCharsets.UTF_8);
    }

    private static KeylessException tooLarge() {
        return KeylessException.invalid("value", "must be at most " + MAX_BYTES + " bytes");
    }

    /** Zeroes the whole backing array (offset or not: every byte of it may hold the secret). */
    @SuppressWarnings("ByteBufferBackingArray")
    private static void wipe(java.nio.ByteBuffer buffer) {
        java.util.Arrays.fill(buffer.array(), (byte) 0);
    }
}

package dev.keyless.service.sealing;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Encrypts secrets at rest (CA private keys, signing-key seeds) with AES-256-GCM under the master
 * key. Sealed form, base64 (standard alphabet): {@code version(1) || nonce(12) || ciphertext ||
 * tag(16)}. The associated data (e.g. {@code ca:user:default}) is authenticated, not stored: a
 * sealed value copied into another row fails to open. The version byte is authenticated too.
 *
 * <p>During a master-key rotation the box also holds the previous key: {@link #open} tries the
 * current key, then the previous one; {@link #seal} always uses the current key, and {@link
 * #reseal} moves one value onto it. GCM's tag tells the two apart, so the stored form needs no key
 * id.
 *
 * <p>Nonces are random (96 bits), fine for the few thousand values one master key ever seals (NIST
 * SP 800-38D §8.3 bounds random-nonce GCM at 2^32 messages per key). Thread-safe: every call uses
 * its own {@link Cipher}.
 */
public final class SecretBox {
    /** The format version this class writes. */
    public static final byte VERSION = 1;
    /** Master key length in bytes. */
    public static final int KEY_SIZE = 32;

    private static final int NONCE_SIZE = 12;
    private static final int TAG_BITS = 128;
    private static final String CANNOT_OPEN =
            "sealed secret cannot be opened: wrong master key, wrong associated data, or the value was altered";

    private final SecretKeySpec key;
    private final SecretKeySpec previous;
    private final SecureRandom random;

    /** @param masterKey 32 bytes; copied */
    public SecretBox(byte[] masterKey, SecureRandom random) {
        this(masterKey, null, random);
    }

    /**
     * @param masterKey 32 bytes, the key that seals; copied
     * @param previousKey null, or the 32-byte key of before a rotation, which only opens; copied
     */
    public SecretBox(byte[] masterKey, byte[] previousKey, SecureRandom random) {
        this.key = spec(masterKey, "the master key");
        this.previous = previousKey == null ? null : spec(previousKey, "the previous master key");
        this.random = Objects.requireNonNull(random, "random");
    }

    private static SecretKeySpec spec(byte[] bytes, String what) {
        if (bytes == null || bytes.length != KEY_SIZE) {
            throw new IllegalArgumentException(what + " must be exactly 32 bytes");
        }
        return new SecretKeySpec(bytes, "AES");
    }

    /** Whether a previous key is held, i.e. a rotation is under way. */
    public boolean hasPreviousKey() {
        return previous != null;
    }

    /**
     * {@code sealed} opened (under either key) and sealed again under the current key, or null
     * when it already opens under the current key (nothing to do).
     *
     * @throws SecretBoxException when it opens under neither key
     */
    public String reseal(String sealed, String associatedData) {
        byte[] bytes = decode(sealed);
        try {
            Arrays.fill(open(key, bytes, associatedData), (byte) 0);
            return null;
        } catch (SecretBoxException e) {
            if (previous == null) {
                throw e;
            }
        }
        byte[] plaintext = open(previous, bytes, associatedData);
        try {
            return seal(plaintext, associatedData);
        } finally {
            Arrays.fill(plaintext, (byte) 0);
        }
    }

    public SecretBox(byte[] masterKey) {
        this(masterKey, new SecureRandom());
    }

    /** Encrypts {@code plaintext} bound to {@code associatedData}; returns base64 for storage. */
    public String seal(byte[] plaintext, String associatedData) {
        Objects.requireNonNull(plaintext, "plaintext");
        byte[] nonce = new byte[NONCE_SIZE];
        random.nextBytes(nonce);
        try {
            Cipher cipher = cipher(key, Cipher.ENCRYPT_MODE, nonce, associatedData);
            ByteBuffer out = ByteBuffer.allocate(1 + NONCE_SIZE + cipher.getOutputSize(plaintext.length));
            out.put(VERSION).put(nonce);
            cipher.doFinal(ByteBuffer.wrap(plaintext), out);
            return Base64.getEncoder().encodeToString(out.array());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is not available", e);
        }
    }

    /**
     * Decrypts a value made by {@link #seal} with the same associated data.
     *
     * @throws SecretBoxException when the value is malformed, of an unknown version, or does not
     *     authenticate (wrong key, wrong associated data, tampering)
     */
    public byte[] open(String sealed, String associatedData) {
        byte[] bytes = decode(sealed);
        try {
            return open(key, bytes, associatedData);
        } catch (SecretBoxException e) {
            if (previous == null) {
                throw e;
            }
            return open(previous, bytes, associatedData);
        }
    }

    private static byte[] decode(String sealed) {
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(Objects.requireNonNull(sealed, "sealed"));
        } catch (IllegalArgumentException e) {
            throw new SecretBoxException("sealed secret is not valid base64");
        }
        if (bytes.length < 1 + NONCE_SIZE + TAG_BITS / 8) {
            throw new SecretBoxException("sealed secret is too short");
        }
        if (bytes[0] != VERSION) {
            throw new SecretBoxException("sealed secret has an unsupported format version");
        }
        return bytes;
    }

    private static byte[] open(SecretKeySpec with, byte[] bytes, String associatedData) {
        byte[] nonce = Arrays.copyOfRange(bytes, 1, 1 + NONCE_SIZE);
        try {
            Cipher cipher = cipher(with, Cipher.DECRYPT_MODE, nonce, associatedData);
            return cipher.doFinal(bytes, 1 + NONCE_SIZE, bytes.length - 1 - NONCE_SIZE);
        } catch (AEADBadTagException e) {
            throw new SecretBoxException(CANNOT_OPEN);
        } catch (GeneralSecurityException e) {
            throw new SecretBoxException(CANNOT_OPEN, e);
        }
    }

    private static Cipher cipher(SecretKeySpec with, int mode, byte[] nonce, String associatedData)
            throws GeneralSecurityException {
        Objects.requireNonNull(associatedData, "associatedData");
        Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
        cipher.init(mode, with, new GCMParameterSpec(TAG_BITS, nonce));
        cipher.updateAAD(new byte[] {VERSION});
        cipher.updateAAD(associatedData.getBytes(StandardCharsets.UTF_8));
        return cipher;
    }

    @Override
    public String toString() {
        return "SecretBox[AES-256-GCM]";
    }
}

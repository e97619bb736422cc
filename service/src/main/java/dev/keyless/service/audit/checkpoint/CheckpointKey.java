package dev.keyless.service.audit.checkpoint;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;

/**
 * The Ed25519 key that signs checkpoints. It is never in the database — whoever can rewrite the
 * database must not be able to sign a rewritten head: it comes from {@code
 * KEYLESS_AUDIT_CHECKPOINT_KEY} (base64 of the 32-byte seed; give every replica the same one), or
 * from a file generated on first start (mode 0600, default {@code audit-checkpoint.key} in the data
 * dir). Thread-safe: signing makes a fresh signer each time.
 */
final class CheckpointKey {
    private final Ed25519PrivateKeyParameters privateKey;
    private final byte[] publicKey;

    private CheckpointKey(byte[] seed) {
        this.privateKey = new Ed25519PrivateKeyParameters(seed, 0);
        this.publicKey = privateKey.generatePublicKey().getEncoded();
    }

    static CheckpointKey load(String configured, Path file) {
        if (configured != null && !configured.isBlank()) {
            return new CheckpointKey(seed(configured.strip(), "KEYLESS_AUDIT_CHECKPOINT_KEY"));
        }
        try {
            if (!Files.exists(file)) {
                byte[] seed = new byte[32];
                new SecureRandom().nextBytes(seed);
                try {
                    Files.createDirectories(file.toAbsolutePath().getParent());
                    Files.writeString(
                            Files.createFile(
                                    file,
                                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))),
                            Base64.getEncoder().encodeToString(seed) + "\n",
                            StandardOpenOption.WRITE);
                } catch (FileAlreadyExistsException e) {
                    // another process made it first: use theirs
                }
            }
            return new CheckpointKey(
                    seed(Files.readString(file, StandardCharsets.US_ASCII).strip(), file.toString()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or create the audit checkpoint key " + file, e);
        }
    }

    private static byte[] seed(String base64, String source) {
        byte[] seed;
        try {
            seed = Base64.getDecoder().decode(base64);
        } catch (IllegalArgumentException e) {
            seed = null;
        }
        if (seed == null || seed.length != 32) {
            // never the value itself
            throw new IllegalArgumentException("the audit checkpoint key in " + source + " is not base64 of 32 bytes");
        }
        return seed;
    }

    byte[] sign(byte[] message) {
        Ed25519Signer signer = new Ed25519Signer();
        signer.init(true, privateKey);
        signer.update(message, 0, message.length);
        return signer.generateSignature();
    }

    byte[] publicKey() {
        return publicKey.clone();
    }

    String publicKeyBase64() {
        return Base64.getEncoder().encodeToString(publicKey);
    }

    String keyId() {
        return keyId(publicKey);
    }

    /** SHA-256 of the raw public key, hex: what names a key in checkpoints and trust lists. */
    static String keyId(byte[] publicKey) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(publicKey));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java platform", e);
        }
    }

    static boolean verify(byte[] publicKey, byte[] message, byte[] signature) {
        if (publicKey.length != 32 || signature.length != 64) {
            return false;
        }
        Ed25519Signer verifier = new Ed25519Signer();
        verifier.init(false, new Ed25519PublicKeyParameters(publicKey, 0));
        verifier.update(message, 0, message.length);
        return verifier.verifySignature(signature);
    }
}

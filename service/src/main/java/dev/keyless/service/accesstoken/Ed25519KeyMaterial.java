package dev.keyless.service.accesstoken;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;

/**
 * An Ed25519 signing key for the service's access tokens, kept as BouncyCastle lightweight
 * parameters. The 32-byte seed is the whole secret: store it sealed ({@code SecretBox}) and rebuild
 * with {@link #fromSeed}. Immutable and thread-safe; {@link #toString()} shows the key id only.
 */
public final class Ed25519KeyMaterial {
    /** Seed and public key length in bytes. */
    public static final int KEY_SIZE = Ed25519PrivateKeyParameters.KEY_SIZE;

    private final Ed25519PrivateKeyParameters privateKey;
    private final Ed25519PublicKeyParameters publicKey;
    private final String keyId;

    private Ed25519KeyMaterial(Ed25519PrivateKeyParameters privateKey) {
        this.privateKey = privateKey;
        this.publicKey = privateKey.generatePublicKey();
        this.keyId = keyId(publicKey.getEncoded());
    }

    /** A new random key. */
    public static Ed25519KeyMaterial generate(SecureRandom random) {
        return new Ed25519KeyMaterial(new Ed25519PrivateKeyParameters(random));
    }

    /** A new random key from a fresh {@link SecureRandom}. */
    public static Ed25519KeyMaterial generate() {
        return generate(new SecureRandom());
    }

    /** Rebuilds a key from its 32-byte seed (RFC 8032 private key). */
    public static Ed25519KeyMaterial fromSeed(byte[] seed) {
        if (seed == null || seed.length != KEY_SIZE) {
            throw new IllegalArgumentException("an Ed25519 seed is exactly 32 bytes");
        }
        return new Ed25519KeyMaterial(new Ed25519PrivateKeyParameters(seed));
    }

    /** A copy of the 32-byte seed, for encrypted storage only. */
    public byte[] seed() {
        return privateKey.getEncoded();
    }

    /** A copy of the 32-byte public key (RFC 8032 encoding). */
    public byte[] publicKey() {
        return publicKey.getEncoded();
    }

    /** The {@code kid} of tokens signed with this key; see {@link #keyId(byte[])}. */
    public String keyId() {
        return keyId;
    }

    /**
     * The key id of an Ed25519 public key: the first 16 characters (96 bits) of its RFC 7638 JWK
     * thumbprint, so anyone holding the JWK can recompute it.
     */
    public static String keyId(byte[] publicKey) {
        if (publicKey == null || publicKey.length != KEY_SIZE) {
            throw new IllegalArgumentException("an Ed25519 public key is exactly 32 bytes");
        }
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        // RFC 7638 §3.2: required members only, lexicographic order, no whitespace.
        String jwk = "{\"crv\":\"Ed25519\",\"kty\":\"OKP\",\"x\":\"" + b64.encodeToString(publicKey) + "\"}";
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(jwk.getBytes(StandardCharsets.US_ASCII));
            return b64.encodeToString(digest).substring(0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    Ed25519PrivateKeyParameters privateParameters() {
        return privateKey;
    }

    Ed25519PublicKeyParameters publicParameters() {
        return publicKey;
    }

    @Override
    public String toString() {
        return "Ed25519KeyMaterial[kid=" + keyId + "]";
    }
}

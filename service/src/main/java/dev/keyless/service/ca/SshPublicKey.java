package dev.keyless.service.ca;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;

/**
 * An accepted OpenSSH public key: its type name (for example {@code ssh-ed25519}), the SSH wire-format key
 * blob (RFC 4253 section 6.6) and a comment ({@code ""} when absent, never null).
 *
 * <p>Construction validates the blob with the same rules as {@link SshPublicKeys#parse(String)} and
 * throws {@link PublicKeyRejectedException} otherwise, so every instance is a supported, strong-enough key.
 * Immutable and thread-safe; {@link #blob()} returns a copy.
 */
@SuppressWarnings("ArrayRecordComponent") // the bytes are the value; equality is not used
public record SshPublicKey(String keyType, byte[] blob, String comment) {
    public SshPublicKey {
        Objects.requireNonNull(keyType, "keyType");
        Objects.requireNonNull(blob, "blob");
        comment = comment == null ? "" : comment;
        for (int i = 0; i < comment.length(); i++) {
            char c = comment.charAt(i);
            if (c < 0x20 || c == 0x7F) {
                throw SshKeyBlobValidator.invalid("public key comment contains control characters");
            }
        }
        blob = blob.clone();
        SshKeyBlobValidator.validate(keyType, blob);
    }

    @Override
    public byte[] blob() {
        return blob.clone();
    }

    /** The blob without a copy, for encoders in this package that promise not to modify it. */
    byte[] sharedBlob() {
        return blob;
    }

    /** The same key with another comment. */
    public SshPublicKey withComment(String newComment) {
        return new SshPublicKey(keyType, blob, newComment);
    }

    /** OpenSSH's fingerprint form: {@code SHA256:} and the unpadded base64 SHA-256 of the blob. */
    public String fingerprintSha256() {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(blob);
            return "SHA256:" + Base64.getEncoder().withoutPadding().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java platform", e);
        }
    }

    /** The authorized_keys form: {@code type base64} and the comment when there is one. */
    public String toLine() {
        String base = keyType + " " + Base64.getEncoder().encodeToString(blob);
        return comment.isEmpty() ? base : base + " " + comment;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof SshPublicKey that
                && keyType.equals(that.keyType)
                && Arrays.equals(blob, that.blob)
                && comment.equals(that.comment);
    }

    @Override
    public int hashCode() {
        return Objects.hash(keyType, Arrays.hashCode(blob), comment);
    }

    // Public keys are not secret, but logs only need to identify them.
    @Override
    public String toString() {
        return "SshPublicKey[" + keyType + " " + fingerprintSha256() + "]";
    }
}

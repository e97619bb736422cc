package dev.keyless.client.ssh;

import dev.keyless.protocol.ssh.SshWireWriter;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Signature;
import java.util.Arrays;
import java.util.Base64;

/**
 * An Ed25519 key pair that lives only in this JVM's memory (the JDK's own Ed25519, RFC 8032; one
 * key per server per job, so BouncyCastle is not needed). There is deliberately no way to export
 * the private key: it signs SSH challenges through {@link SshAgent} and nothing else. Thread-safe.
 */
public final class SshKey {
    static final String TYPE = "ssh-ed25519";
    private static final int RAW_PUBLIC_LENGTH = 32;

    private final PrivateKey privateKey;
    private final byte[] publicBlob;
    private final String comment;

    private SshKey(KeyPair pair, String comment) {
        this.privateKey = pair.getPrivate();
        byte[] x509 = pair.getPublic().getEncoded();
        // X.509 SubjectPublicKeyInfo for Ed25519 is a fixed 12-byte prefix and the raw 32-byte key.
        byte[] raw = Arrays.copyOfRange(x509, x509.length - RAW_PUBLIC_LENGTH, x509.length);
        this.publicBlob = new SshWireWriter().writeString(TYPE).writeString(raw).toByteArray();
        this.comment = comment;
    }

    /** A new random key; {@code comment} ends the public key line (e.g. {@code keyless:web-01}). */
    public static SshKey generate(String comment) {
        try {
            return new SshKey(KeyPairGenerator.getInstance("Ed25519").generateKeyPair(), comment);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JDK cannot generate Ed25519 keys", e);
        }
    }

    /** The public key in the SSH wire format (RFC 8709 section 4). */
    public byte[] publicKeyBlob() {
        return publicBlob.clone();
    }

    /** The OpenSSH public key line: {@code ssh-ed25519 AAAA... comment}. */
    public String publicKeyLine() {
        return TYPE + " " + Base64.getEncoder().encodeToString(publicBlob) + " " + comment;
    }

    public String comment() {
        return comment;
    }

    /** An SSH signature blob over {@code data}: {@code string "ssh-ed25519", string sig} (RFC 8709 section 6). */
    public byte[] sign(byte[] data) {
        try {
            Signature signer = Signature.getInstance("Ed25519");
            signer.initSign(privateKey);
            signer.update(data);
            return new SshWireWriter()
                    .writeString(TYPE)
                    .writeString(signer.sign())
                    .toByteArray();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Ed25519 signing failed", e);
        }
    }

    @Override
    public String toString() {
        return "SshKey[" + publicKeyLine() + "]";
    }
}

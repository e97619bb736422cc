package dev.keyless.service.ca;

import dev.keyless.protocol.ssh.SshWireWriter;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Objects;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.math.ec.rfc8032.Ed25519;

/**
 * An OpenSSH certificate authority holding one Ed25519 key, signing user and host certificates.
 *
 * <p>Signing uses the BouncyCastle lightweight API rather than JCA Ed25519, which measured about 17 times
 * slower. The key never leaves this object except through {@link #seed()}, which exists so the caller can
 * store it encrypted; {@link #toString()} shows only the public fingerprint.
 *
 * <p>Immutable and thread-safe: {@link #sign(SshCertificate)} may be called concurrently.
 */
public final class Ed25519CertificateAuthority {
    private static final String KEY_TYPE = SshKeyBlobValidator.ED25519;
    private static final byte[] KEY_TYPE_BYTES = KEY_TYPE.getBytes(StandardCharsets.US_ASCII);
    private static final int SEED_BYTES = Ed25519PrivateKeyParameters.KEY_SIZE;
    private static final int SIGNATURE_BYTES = Ed25519PrivateKeyParameters.SIGNATURE_SIZE;

    private final Ed25519PrivateKeyParameters privateKey;
    private final SshPublicKey publicKey;
    private final byte[] publicKeyBlob;

    private Ed25519CertificateAuthority(Ed25519PrivateKeyParameters privateKey) {
        this.privateKey = privateKey;
        byte[] point = privateKey.generatePublicKey().getEncoded();
        this.publicKeyBlob = new SshWireWriter(4 + KEY_TYPE_BYTES.length + 4 + point.length)
                .writeString(KEY_TYPE_BYTES)
                .writeString(point)
                .toByteArray();
        this.publicKey = new SshPublicKey(KEY_TYPE, publicKeyBlob, "");
    }

    /** A new CA key drawn from {@code random}. */
    public static Ed25519CertificateAuthority generate(SecureRandom random) {
        return new Ed25519CertificateAuthority(new Ed25519PrivateKeyParameters(Objects.requireNonNull(random)));
    }

    /** The CA whose private key is this 32-byte RFC 8032 seed, as returned by {@link #seed()}. */
    public static Ed25519CertificateAuthority fromSeed(byte[] seed) {
        if (seed == null || seed.length != SEED_BYTES) {
            throw new IllegalArgumentException("Ed25519 seed must be 32 bytes");
        }
        return new Ed25519CertificateAuthority(new Ed25519PrivateKeyParameters(seed, 0));
    }

    /** A copy of the 32-byte private seed, for encrypted storage by the caller. Never log it. */
    public byte[] seed() {
        return privateKey.getEncoded();
    }

    /** The CA public key (no comment); its fingerprint identifies this CA. */
    public SshPublicKey publicKey() {
        return publicKey;
    }

    /** The line for sshd's TrustedUserCAKeys or a known_hosts {@code @cert-authority} entry. */
    public String publicKeyLine(String comment) {
        return publicKey.withComment(comment).toLine();
    }

    /**
     * Signs the certificate: encodes it per PROTOCOL.certkeys with this CA as signature key and appends an
     * {@code ssh-ed25519} signature over all preceding bytes.
     */
    public SignedSshCertificate sign(SshCertificate certificate) {
        SshWireWriter writer = SshCertificateEncoder.encodeUnsigned(certificate, publicKeyBlob);
        byte[] signature = new byte[SIGNATURE_BYTES];
        // This is the call Ed25519Signer makes internally; calling it directly skips the signer's copy of
        // the message into its own buffer and its per-instance state, and the key parameters are safe to
        // share between threads.
        privateKey.sign(Ed25519.Algorithm.Ed25519, null, writer.array(), 0, writer.size(), signature, 0);
        int signatureString = writer.beginString();
        writer.writeString(KEY_TYPE_BYTES);
        writer.writeString(signature);
        writer.endString(signatureString);
        return new SignedSshCertificate(certificate, publicKey, writer.toByteArray());
    }

    @Override
    public String toString() {
        return "Ed25519CertificateAuthority[" + publicKey.fingerprintSha256() + "]";
    }
}

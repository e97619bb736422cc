package dev.keyless.service.ca;

import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;

/**
 * A signed OpenSSH certificate: the content that was signed, the CA key that signed it and the complete
 * wire blob. {@link #toLine()} gives the form ssh and sshd read ({@code *-cert.pub} files). Immutable and
 * thread-safe; {@link #blob()} returns a copy.
 */
@SuppressWarnings("ArrayRecordComponent") // the bytes are the value; equality is not used
public record SignedSshCertificate(SshCertificate certificate, SshPublicKey signatureKey, byte[] blob) {
    public SignedSshCertificate {
        Objects.requireNonNull(certificate, "certificate");
        Objects.requireNonNull(signatureKey, "signatureKey");
        blob = blob.clone();
    }

    @Override
    public byte[] blob() {
        return blob.clone();
    }

    /** For example {@code ssh-ed25519-cert-v01@openssh.com}. */
    public String keyType() {
        return certificate.certificateKeyType();
    }

    /** {@code <type>-cert-v01@openssh.com BASE64}, followed by the subject key's comment if it has one. */
    public String toLine() {
        return toLine(certificate.publicKey().comment());
    }

    /** As {@link #toLine()} with the given comment ({@code ""} for none). */
    public String toLine(String comment) {
        String base = keyType() + " " + Base64.getEncoder().encodeToString(blob);
        return comment == null || comment.isEmpty() ? base : base + " " + comment;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof SignedSshCertificate that
                && certificate.equals(that.certificate)
                && signatureKey.equals(that.signatureKey)
                && Arrays.equals(blob, that.blob);
    }

    @Override
    public int hashCode() {
        return Objects.hash(certificate, signatureKey, Arrays.hashCode(blob));
    }

    @Override
    public String toString() {
        return "SignedSshCertificate[" + certificate + " ca=" + signatureKey.fingerprintSha256() + "]";
    }
}

package dev.keyless.service.ca;

import java.time.Instant;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The signed-over content of an OpenSSH certificate (PROTOCOL.certkeys), before the CA adds its key and
 * signature. Build one with {@link SshCertificateBuilder}; sign it with {@link Ed25519CertificateAuthority}.
 *
 * <p>{@code serial} is an unsigned 64-bit value carried in a long ({@link Long#toUnsignedString(long)}
 * prints it). Validity instants are whole seconds on the wire; fractions are truncated. Critical options
 * and extensions map a name to its value, {@code ""} for flags such as {@code permit-pty}; they are kept
 * sorted by name because OpenSSH requires that order on the wire.
 *
 * <p>Construction enforces the same rules as {@link SshCertificateBuilder#validate()} and throws
 * {@link IllegalArgumentException} with a fixed message otherwise. Immutable and thread-safe.
 */
@SuppressWarnings("ArrayRecordComponent") // the bytes are the value; equality is not used
public record SshCertificate(
        SshCertificateType type,
        SshPublicKey publicKey,
        byte[] nonce,
        long serial,
        String keyId,
        List<String> principals,
        Instant validAfter,
        Instant validBefore,
        SortedMap<String, String> criticalOptions,
        SortedMap<String, String> extensions) {

    /** Length of the random nonce the builder generates, as ssh-keygen does. */
    public static final int NONCE_BYTES = 32;

    public SshCertificate {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(publicKey, "publicKey");
        Objects.requireNonNull(keyId, "keyId");
        Objects.requireNonNull(validAfter, "validAfter");
        Objects.requireNonNull(validBefore, "validBefore");
        nonce = Objects.requireNonNull(nonce, "nonce").clone();
        principals = List.copyOf(principals);
        criticalOptions = Collections.unmodifiableSortedMap(new TreeMap<>(criticalOptions));
        extensions = Collections.unmodifiableSortedMap(new TreeMap<>(extensions));
        SshCertificateRules.check(type, nonce, keyId, principals, validAfter, validBefore, criticalOptions, extensions);
    }

    @Override
    public byte[] nonce() {
        return nonce.clone();
    }

    byte[] sharedNonce() {
        return nonce;
    }

    /** The certificate key type name, which follows the subject key: {@code <type>-cert-v01@openssh.com}. */
    public String certificateKeyType() {
        return publicKey.keyType() + "-cert-v01@openssh.com";
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof SshCertificate that
                && type == that.type
                && publicKey.equals(that.publicKey)
                && Arrays.equals(nonce, that.nonce)
                && serial == that.serial
                && keyId.equals(that.keyId)
                && principals.equals(that.principals)
                && validAfter.equals(that.validAfter)
                && validBefore.equals(that.validBefore)
                && criticalOptions.equals(that.criticalOptions)
                && extensions.equals(that.extensions);
    }

    @Override
    public int hashCode() {
        return Objects.hash(
                type,
                publicKey,
                Arrays.hashCode(nonce),
                serial,
                keyId,
                principals,
                validAfter,
                validBefore,
                criticalOptions,
                extensions);
    }

    @Override
    public String toString() {
        return "SshCertificate[" + type + " keyId=" + keyId + " serial=" + Long.toUnsignedString(serial)
                + " principals=" + principals + " validAfter=" + validAfter + " validBefore=" + validBefore
                + " criticalOptions=" + criticalOptions.keySet() + " extensions=" + extensions.keySet()
                + " key=" + publicKey + "]";
    }
}

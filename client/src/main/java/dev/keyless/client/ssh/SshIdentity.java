package dev.keyless.client.ssh;

import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;

/**
 * An in-memory key with the OpenSSH certificate issued for it: what the agent offers to {@code
 * ssh}. Immutable.
 */
public record SshIdentity(SshKey key, String certificateLine) {
    public SshIdentity {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(certificateLine, "certificateLine");
        if (!certificateLine.strip().startsWith("ssh-ed25519-cert-v01@openssh.com ")) {
            throw new IllegalArgumentException("not an ssh-ed25519 OpenSSH certificate line");
        }
    }

    /** The certificate in the SSH wire format (the base64 field of the line, decoded). */
    public byte[] certificateBlob() {
        return Base64.getDecoder().decode(certificateLine.strip().split("\\s+", -1)[1]);
    }

    /** Whether {@code blob} (a key or certificate a client asks to sign with) is this identity. */
    boolean matches(byte[] blob) {
        return Arrays.equals(blob, certificateBlob()) || Arrays.equals(blob, key.publicKeyBlob());
    }
}

package dev.keyless.agent.ssh;

import dev.keyless.protocol.ssh.SshWireFormatException;
import dev.keyless.protocol.ssh.SshWireReader;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;

/**
 * Reads the serial and key id of an OpenSSH certificate (PROTOCOL.certkeys) from a line such as
 * {@code [publickey ]ssh-ed25519-cert-v01@openssh.com AAAA... [comment]} — the form sshd writes to
 * {@code SSH_USER_AUTH} files and {@code SSH_AUTH_INFO_0} with {@code ExposeAuthInfo yes}. Only
 * reads; verifies nothing (sshd already did). Stateless and thread-safe.
 */
public final class OpenSshCertificates {
    /** How many key fields follow the nonce, per certificate type. */
    private static final Map<String, Integer> KEY_FIELDS = Map.of(
            "ssh-ed25519-cert-v01@openssh.com", 1,
            "ssh-rsa-cert-v01@openssh.com", 2,
            "ecdsa-sha2-nistp256-cert-v01@openssh.com", 2,
            "ecdsa-sha2-nistp384-cert-v01@openssh.com", 2,
            "ecdsa-sha2-nistp521-cert-v01@openssh.com", 2,
            "sk-ssh-ed25519-cert-v01@openssh.com", 2,
            "sk-ecdsa-sha2-nistp256-cert-v01@openssh.com", 3,
            "ssh-dss-cert-v01@openssh.com", 4);

    private OpenSshCertificates() {}

    /** What the agent needs from a certificate: serial as unsigned decimal, and key id. */
    public record CertificateInfo(String serial, String keyId) {}

    /** A certificate's validity window and the CA key that signed it (base64 of its wire blob). */
    public record Validity(Instant validAfter, Instant validBefore, String signatureKey) {}

    /** The validity of the certificate on {@code line}; empty when it is not one or is malformed. */
    public static Optional<Validity> validity(String line) {
        if (line == null) {
            return Optional.empty();
        }
        String[] words = line.strip().split("\\s+", -1);
        if (words.length < 2 || !KEY_FIELDS.containsKey(words[0])) {
            return Optional.empty();
        }
        try {
            SshWireReader blob = atSerial(words[0], words[1]);
            blob.readUint64(); // serial
            blob.readUint32(); // certificate type
            blob.readString(); // key id
            blob.readString(); // principals
            Instant after = instant(blob.readUint64());
            Instant before = instant(blob.readUint64());
            blob.readString(); // critical options
            blob.readString(); // extensions
            blob.readString(); // reserved
            byte[] signatureKey = blob.readString();
            return Optional.of(new Validity(after, before, Base64.getEncoder().encodeToString(signatureKey)));
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    /** OpenSSH times are unsigned seconds; "forever" is all ones. */
    private static Instant instant(long seconds) {
        return seconds < 0 ? Instant.MAX : Instant.ofEpochSecond(seconds);
    }

    /** Parses the first certificate found in {@code text}; empty when there is none or it is malformed. */
    public static Optional<CertificateInfo> find(String text) {
        if (text == null) {
            return Optional.empty();
        }
        for (String line : text.split("\n", -1)) {
            String[] words = line.strip().split("\\s+", -1);
            for (int i = 0; i + 1 < words.length; i++) {
                if (KEY_FIELDS.containsKey(words[i])) {
                    Optional<CertificateInfo> info = parse(words[i], words[i + 1]);
                    if (info.isPresent()) {
                        return info;
                    }
                }
            }
        }
        return Optional.empty();
    }

    static Optional<CertificateInfo> parse(String type, String base64) {
        try {
            SshWireReader blob = atSerial(type, base64);
            long serial = blob.readUint64();
            blob.readUint32(); // certificate type
            String keyId = new String(blob.readString(), StandardCharsets.ISO_8859_1);
            return Optional.of(new CertificateInfo(Long.toUnsignedString(serial), keyId));
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    /**
     * A reader positioned at the serial of the certificate {@code base64}, after checking that its blob
     * names {@code type}; throws (a {@link RuntimeException}) when it is not one.
     */
    private static SshWireReader atSerial(String type, String base64) {
        SshWireReader blob = new SshWireReader(Base64.getDecoder().decode(base64));
        if (!type.equals(new String(blob.readString(), StandardCharsets.ISO_8859_1))) {
            throw new SshWireFormatException("the blob is not of the type its line names");
        }
        blob.readString(); // nonce
        for (int i = 0; i < KEY_FIELDS.get(type); i++) {
            blob.readString();
        }
        return blob;
    }
}

package dev.keyless.service.ca;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The structural rules every certificate must meet before it is signed. Messages are fixed and never
 * repeat the offending value. Stateless and thread-safe.
 */
final class SshCertificateRules {
    private static final int MIN_NONCE_BYTES = 16;

    private SshCertificateRules() {}

    static void check(
            SshCertificateType type,
            byte[] nonce,
            String keyId,
            List<String> principals,
            Instant validAfter,
            Instant validBefore,
            Map<String, String> criticalOptions,
            Map<String, String> extensions) {
        require(nonce.length >= MIN_NONCE_BYTES, "nonce must be at least 16 bytes");
        require(printable(keyId, true), "key id must be printable text");
        require(type != SshCertificateType.USER || !principals.isEmpty(), "user certificates need a principal");
        // A comma would split one principal into two in ssh-keygen's and sshd's list handling.
        principals.forEach(
                p -> require(!p.isEmpty() && printable(p, false) && p.indexOf(',') < 0, "invalid principal"));
        require(!validAfter.isBefore(Instant.EPOCH), "validAfter must not be before 1970");
        require(validBefore.getEpochSecond() > validAfter.getEpochSecond(), "validBefore must be after validAfter");
        // OpenSSH defines no critical options or extensions for host certificates.
        require(
                type == SshCertificateType.USER || (criticalOptions.isEmpty() && extensions.isEmpty()),
                "host certificates carry no critical options or extensions");
        criticalOptions.forEach((name, value) -> checkOption(name, value));
        extensions.forEach((name, value) -> checkOption(name, value));
    }

    private static void checkOption(String name, String value) {
        require(!name.isEmpty() && printable(name, false) && name.indexOf(' ') < 0, "invalid option name");
        require(value != null && printable(value, true), "option value must be printable text");
    }

    private static boolean printable(String value, boolean allowSpace) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x20 || c == 0x7F || (!allowSpace && c == ' ')) {
                return false;
            }
        }
        return true;
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }
}

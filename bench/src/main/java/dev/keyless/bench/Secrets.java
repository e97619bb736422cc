package dev.keyless.bench;

import java.security.SecureRandom;
import java.util.Base64;

/**
 * The bootstrap admin token and master key for one benchmark service: fresh random values, kept
 * in memory only. {@link #toString()} never shows them.
 */
record Secrets(String bootstrapToken, String masterKey) {
    static Secrets random() {
        SecureRandom random = new SecureRandom();
        byte[] token = new byte[32];
        random.nextBytes(token);
        byte[] master = new byte[32];
        random.nextBytes(master);
        // The service's own admin-token shape: kla_ and 43 base64url characters (256 bits).
        return new Secrets(
                "kla_" + Base64.getUrlEncoder().withoutPadding().encodeToString(token),
                Base64.getEncoder().encodeToString(master));
    }

    @Override
    public String toString() {
        return "Secrets[redacted]";
    }
}

package dev.keyless.service.admin;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/**
 * Admin tokens: 256 random bits, shown once, stored only as a SHA-256 hash. A plain hash (not a
 * password hash) is right here because the input has full entropy and cannot be guessed.
 */
public final class AdminTokens {
    static final String PREFIX = "kla_";

    private AdminTokens() {}

    public static String generate(SecureRandom random) {
        return PREFIX + opaque(random);
    }

    /**
     * 32 random bytes, base64url without padding: the unprefixed secrets of the admin side (console
     * session cookies and CSRF tokens, SSO state, nonce and PKCE verifier).
     */
    public static String opaque(SecureRandom random) {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    public static String hash(String token) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java platform", e);
        }
    }
}

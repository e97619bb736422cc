package dev.keyless.service.token;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A token that passed every check. {@code claims} holds plain Java values only (String, Long or
 * Double, Boolean, List, Map), unmodifiable. {@code jwtId} is null when the platform sends no
 * {@code jti} (Jenkins).
 *
 * @param tokenSha256 hex SHA-256 of the compact token, the replay key when there is no {@code jti}
 */
public record VerifiedToken(
        Map<String, Object> claims,
        String subject,
        String issuer,
        String jwtId,
        Instant issuedAt,
        Instant expiresAt,
        String tokenSha256) {

    /**
     * The longest {@code sub} accepted, in UTF-8 bytes. It is stored ({@code
     * ssh_session.subject VARCHAR(1024)}) and carried in the access token, which must stay under
     * 4 KiB; real subjects are far shorter, the longest being GitLab's {@code
     * project_path:<group/sub/.../project>:ref_type:<type>:ref:<ref>} with deep groups.
     */
    public static final int MAX_SUBJECT_BYTES = 1024;

    // Long jti values are hashed too so the key fits a database column.
    private static final int MAX_JTI_IN_KEY = 128;

    public VerifiedToken {
        // Not Map.copyOf: JSON null is a legal claim value.
        claims = Collections.unmodifiableMap(new LinkedHashMap<>(claims));
    }

    /**
     * The key for one-time-use bookkeeping: {@code jti:<jti>}, or {@code sha256:<hex>} of the token
     * when it has no {@code jti}. Scope it by connection: {@code jti} is only unique per issuer.
     */
    public String replayKey() {
        if (jwtId == null) {
            return "sha256:" + tokenSha256;
        }
        return jwtId.length() <= MAX_JTI_IN_KEY ? "jti:" + jwtId : "jti-sha256:" + sha256Hex(jwtId);
    }

    static String sha256Hex(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is always present", e);
        }
    }
}

package dev.keyless.service.platformtoken;

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
 * {@code jti} (Jenkins, CircleCI, GCP, Azure DevOps).
 *
 * @param signingKey RFC 7638 thumbprint of the issuer key the signature verified with
 * @param signedSha256 hex SHA-256 of the signing input ({@code header.payload}), what the issuer
 *     signed; the replay key when there is no {@code jti}
 */
public record VerifiedToken(
        Map<String, Object> claims,
        String subject,
        String issuer,
        String jwtId,
        Instant issuedAt,
        Instant expiresAt,
        String signingKey,
        String signedSha256) {

    /**
     * The longest {@code sub} accepted, in UTF-8 bytes. It is stored ({@code
     * ssh_session.subject VARCHAR(1024)}) and carried in the access token, which must stay under
     * 4 KiB; real subjects are far shorter, the longest being GitLab's {@code
     * project_path:<group/sub/.../project>:ref_type:<type>:ref:<ref>} with deep groups.
     */
    public static final int MAX_SUBJECT_BYTES = 1024;

    public VerifiedToken {
        // Not Map.copyOf: JSON null is a legal claim value.
        claims = Collections.unmodifiableMap(new LinkedHashMap<>(claims));
    }

    /**
     * The key for one-time-use bookkeeping, the same in every team: the verifying key and the
     * issuer, then the {@code jti}, or, without one, what the issuer signed. Never the compact
     * string: the same signed content is the same token however it is spelled. The verifying key
     * is part of the key so that a team whose connection names the same issuer with keys of its
     * own cannot claim (and so block) another team's tokens ahead of them; the issuer is, because
     * a {@code jti} is unique only per issuer and one key set may serve several issuers.
     */
    public String replayKey() {
        String scope = signingKey + " " + sha256Hex(issuer) + " ";
        return jwtId == null ? "signed " + scope + signedSha256 : "jti " + scope + jwtId;
    }

    static String sha256Hex(String text) {
        return sha256Hex(text.getBytes(StandardCharsets.UTF_8));
    }

    static String sha256Hex(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is always present", e);
        }
    }
}

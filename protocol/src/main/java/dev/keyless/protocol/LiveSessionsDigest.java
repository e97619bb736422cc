package dev.keyless.protocol;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Collection;
import java.util.TreeSet;

/**
 * The digest of a server's live sessions that a long-poll answer carries ({@code
 * live_sessions_digest}): unpadded base64url of the first 16 bytes of SHA-256 over the distinct
 * session ids in ascending order, each followed by {@code '\n'}. The service computes it over the
 * sessions it lists on {@code GET /agents/sessions}, the agent over the sessions it holds; equal
 * digests mean there is nothing to reconcile. Pure and thread-safe.
 */
public final class LiveSessionsDigest {
    private LiveSessionsDigest() {}

    /** The digest of these session ids (order and duplicates do not matter; none may be null). */
    public static String of(Collection<String> sessionIds) {
        MessageDigest sha256;
        try {
            sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
        for (String id : new TreeSet<>(sessionIds)) {
            sha256.update(id.getBytes(StandardCharsets.UTF_8));
            sha256.update((byte) '\n');
        }
        byte[] full = sha256.digest();
        return Base64.getUrlEncoder().withoutPadding().encodeToString(java.util.Arrays.copyOf(full, 16));
    }
}

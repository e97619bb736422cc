package dev.keyless.service.accesstoken;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * The access tokens this process issued or already verified, by the SHA-256 of their exact text,
 * with their claims: a token seen again skips the Ed25519 signature check, the dearest step of
 * every authenticated call (about a tenth of the service's CPU per exchange-and-certificate pair,
 * since the certificate call presents the token the exchange just issued).
 *
 * <p>Sound because the key is a digest of the whole compact token: another token, a forged or
 * altered one included, has another digest, and the claims stored are the ones issued or fully
 * verified for exactly that text. Only the signature step is skipped: team and expiry are still
 * checked on every call, and generations by the callers. Nothing secret is kept: not the token,
 * only its digest.
 *
 * <p>Bounded: past {@code capacity} the oldest entries go first; a token that fell out is simply
 * verified in full again. Thread-safe.
 */
public final class KnownAccessTokens {
    private final int capacity;
    private final ConcurrentHashMap<ByteBuffer, AccessClaims> known = new ConcurrentHashMap<>();
    private final Queue<ByteBuffer> order = new ConcurrentLinkedQueue<>();

    public KnownAccessTokens(int capacity) {
        if (capacity < 0) {
            throw new IllegalArgumentException("capacity must not be negative");
        }
        this.capacity = capacity;
    }

    /** Remembers nothing: every token is verified in full. */
    public static KnownAccessTokens none() {
        return new KnownAccessTokens(0);
    }

    void remember(String token, AccessClaims claims) {
        if (capacity == 0) {
            return;
        }
        ByteBuffer key = digest(token);
        if (known.put(key, claims) == null) {
            order.add(key);
        }
        while (known.size() > capacity) {
            ByteBuffer oldest = order.poll();
            if (oldest == null) {
                break;
            }
            known.remove(oldest);
        }
    }

    /** The claims of this exact token if it is known, else null. */
    AccessClaims lookup(String token) {
        return capacity == 0 || known.isEmpty() ? null : known.get(digest(token));
    }

    int size() {
        return known.size();
    }

    private static ByteBuffer digest(String token) {
        try {
            return ByteBuffer.wrap(
                    MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.US_ASCII)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java platform", e);
        }
    }
}

package dev.keyless.service.audit;

import dev.keyless.protocol.AuditRequests.AuditEvent;
import dev.keyless.service.db.Json;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The hash chain: each event's hash is SHA-256 over the previous hash, a newline and the event's
 * canonical JSON (snake_case, keys sorted, with its sequence number and previous hash, without its
 * own hash). Pure; no storage.
 */
final class AuditChain {
    static final String GENESIS = "0".repeat(64);

    private AuditChain() {}

    /**
     * The canonical body of {@code stored} placed at {@code seq} after {@code previousHash}. The
     * database keeps an event's body as it was recorded (unchained) and its place in the columns,
     * so this is what was hashed; for a body stored already linked it is that body.
     */
    static String canonicalBody(AuditEvent stored, long seq, String previousHash) {
        return Json.write(link(stored, seq, previousHash, null));
    }

    static String hash(String previousHash, String canonicalBody) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(previousHash.getBytes(StandardCharsets.US_ASCII));
            sha.update((byte) '\n');
            sha.update(canonicalBody.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java platform", e);
        }
    }

    /** The event with its place in the chain: sequence number, previous hash and own hash. */
    static AuditEvent link(AuditEvent e, long seq, String previousHash, String hash) {
        return new AuditEvent(
                seq,
                e.id(),
                e.time(),
                e.type(),
                e.outcome(),
                e.actorType(),
                e.actorId(),
                e.team(),
                e.connection(),
                e.role(),
                e.subject(),
                e.claims(),
                e.clientIp(),
                e.tokenId(),
                e.tokenTtlSeconds(),
                e.server(),
                e.sessionId(),
                e.serial(),
                e.reason(),
                e.details(),
                previousHash,
                hash);
    }
}

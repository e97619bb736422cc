package dev.keyless.service.audit;

import dev.keyless.protocol.AuditRequests.AuditEvent;
import dev.keyless.service.db.Json;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The hash chain: each event's hash is SHA-256 over the previous hash, a newline and the event's
 * canonical JSON (snake_case, keys sorted, without its own hash). Pure; no storage.
 */
final class AuditChain {
    static final String GENESIS = "0".repeat(64);

    private AuditChain() {}

    /** The canonical body: the event with its hash left out. */
    static String canonicalBody(AuditEvent event) {
        return Json.write(withHash(event, null));
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

    static AuditEvent withHash(AuditEvent e, String hash) {
        return link(e, e.seq(), e.previousHash(), hash);
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

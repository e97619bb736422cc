package dev.keyless.service.audit.checkpoint;

import dev.keyless.service.db.Json;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * A signed statement "team T's chain had {@code seq} events ending in {@code head_hash} at
 * {@code signed_at}". The signature is Ed25519 over the UTF-8 of {@link #signedPart()}: the JSON of
 * these fields but the signature, snake_case, keys sorted, no spaces — so anyone holding the
 * public key can check a checkpoint line without Keyless.
 */
record Checkpoint(
        String headHash, String keyId, String publicKey, long seq, Instant signedAt, String team, String signature) {

    /** The fields the signature covers, in their one spelling. */
    record Signed(String headHash, String keyId, String publicKey, long seq, Instant signedAt, String team) {}

    Signed signed() {
        return new Signed(headHash, keyId, publicKey, seq, signedAt, team);
    }

    byte[] signedPart() {
        return Json.write(signed()).getBytes(StandardCharsets.UTF_8);
    }

    String json() {
        return Json.write(this);
    }
}

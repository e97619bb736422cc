package dev.keyless.service.audit.stream;

import dev.keyless.service.db.Json;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;

/**
 * The one event schema every sink carries (documented in service/README.md, "Audit streaming").
 * An event record is the event's hashed body plus {@code hash}, {@code schema_version} and
 * {@code record_type}; without those three fields it is the exact canonical body, so a receiver can
 * recompute {@code hash = SHA-256(previous_hash + "\n" + body)} itself.
 */
final class StreamRecords {
    /** Bumped when a field changes meaning or goes away; new fields do not bump it. */
    static final int SCHEMA_VERSION = 1;

    static final String EVENT = "audit_event";
    static final String CHECKPOINT = "audit_checkpoint";

    private StreamRecords() {}

    static StreamItem event(StreamRepository.EventRow row) {
        // The body is stored as recorded; its place in the chain is in the columns (AuditChain).
        Map<String, Object> record = new TreeMap<>(Json.readMap(row.body()));
        record.put("seq", row.seq());
        record.put("previous_hash", row.prevHash());
        record.put("hash", row.hash());
        record.put("schema_version", SCHEMA_VERSION);
        record.put("record_type", EVENT);
        return new StreamItem(EVENT, row.team(), row.seq(), row.type(), row.outcome(), row.time(), Json.write(record));
    }

    static StreamItem checkpoint(String team, long seq, Instant signedAt, String body) {
        Map<String, Object> record = new TreeMap<>(Json.readMap(body));
        record.put("schema_version", SCHEMA_VERSION);
        record.put("record_type", CHECKPOINT);
        return new StreamItem(CHECKPOINT, team, seq, "audit.checkpoint", "success", signedAt, Json.write(record));
    }
}

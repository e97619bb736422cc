package dev.keyless.service.audit.stream;

import java.time.Instant;

/**
 * One record of the stream, ready to send: an audit event or a checkpoint of one team, as its JSON
 * line ({@link StreamRecords}), with what a framing needs to know about it.
 *
 * @param kind {@code audit_event} or {@code audit_checkpoint}
 * @param type the event type, or {@code audit.checkpoint}
 * @param outcome {@code success} or {@code failure}
 */
record StreamItem(String kind, String team, long seq, String type, String outcome, Instant time, String json) {}

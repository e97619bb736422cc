package dev.keyless.testkit.audit;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * What at-least-once and in order per team means for a received stream: every event seq from 1 to
 * the head arrived, and no event arrived before all the ones ahead of it had — a resend may go
 * back (duplicates), never skip forward (loss or reordering).
 */
public final class StreamOrder {
    private StreamOrder() {}

    /** The problems found; empty when the stream of {@code team} is complete to {@code head} and ordered. */
    public static List<String> check(List<JsonNode> records, String team, long head) {
        List<String> problems = new ArrayList<>();
        long highest = 0;
        java.util.Set<Long> seen = new java.util.HashSet<>();
        for (JsonNode r : records) {
            if (!"audit_event".equals(r.path("record_type").asText())
                    || !team.equals(r.path("team").asText())) {
                continue;
            }
            if (r.path("schema_version").asInt() != 1) {
                problems.add("record without schema_version 1: " + r);
            }
            long seq = r.path("seq").asLong();
            if (seq > highest + 1) {
                problems.add("seq " + seq + " arrived before seq " + (highest + 1));
            }
            highest = Math.max(highest, seq);
            seen.add(seq);
        }
        for (long s = 1; s <= head; s++) {
            if (!seen.contains(s)) {
                problems.add("seq " + s + " never arrived");
            }
        }
        return problems;
    }

    /** How many event records of {@code team} arrived more than once. */
    public static long duplicates(List<JsonNode> records, String team) {
        List<Long> seqs = records.stream()
                .filter(r -> "audit_event".equals(r.path("record_type").asText()))
                .filter(r -> team.equals(r.path("team").asText()))
                .map(r -> r.path("seq").asLong())
                .toList();
        return seqs.size() - seqs.stream().distinct().count();
    }
}

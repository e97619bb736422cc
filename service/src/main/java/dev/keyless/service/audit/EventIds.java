package dev.keyless.service.audit;

import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Audit event ids: version 7 UUIDs (RFC 9562), whose first 48 bits are the event's time in
 * milliseconds, so that ids sort by time. The id is the table's primary key: random ids put each
 * insert on a different page of the key's B-tree (H2 rewrites that page and its path at every
 * store write, InnoDB splits pages), time-ordered ids append at its end. The 74 other bits are
 * random, for uniqueness only: an event id is not a secret.
 */
final class EventIds {
    private EventIds() {}

    static String next(Instant time) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        long high = (time.toEpochMilli() << 16) | 0x7000L | (random.nextLong() & 0x0FFFL);
        long low = (random.nextLong() & 0x3FFF_FFFF_FFFF_FFFFL) | 0x8000_0000_0000_0000L;
        return new UUID(high, low).toString();
    }
}

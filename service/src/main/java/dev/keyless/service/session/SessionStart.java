package dev.keyless.service.session;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;

/**
 * What the service draws for a new session before deciding anything else: its id, its
 * certificate's serial (never 0) and the second it starts at.
 */
record SessionStart(String id, long serial, Instant at) {
    static SessionStart draw(SecureRandom random, Clock clock) {
        long serial;
        do {
            serial = random.nextLong();
        } while (serial == 0);
        return new SessionStart(
                UUID.randomUUID().toString(), serial, clock.instant().truncatedTo(ChronoUnit.SECONDS));
    }
}

package dev.keyless.service.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.HashSet;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class EventIdsTest {
    @Test
    void idsAreVersion7UuidsThatSortByTime() {
        Instant t = Instant.parse("2026-12-01T22:00:00.123Z");
        String earlier = EventIds.next(t);
        String later = EventIds.next(t.plusMillis(1));
        UUID parsed = UUID.fromString(earlier);
        assertThat(parsed.version()).isEqualTo(7);
        assertThat(parsed.variant()).isEqualTo(2);
        assertThat(parsed.getMostSignificantBits() >>> 16).isEqualTo(t.toEpochMilli());
        assertThat(earlier).isLessThan(later);
        assertThat(earlier).hasSize(36);
    }

    @Test
    void idsOfTheSameMillisecondDiffer() {
        Instant t = Instant.now();
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < 100_000; i++) {
            ids.add(EventIds.next(t));
        }
        assertThat(ids).hasSize(100_000);
    }
}

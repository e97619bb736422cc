package dev.keyless.service.team;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class VersionedCacheTest {
    private final VersionedCache<List<String>> cache = new VersionedCache<>();
    private final AtomicInteger loads = new AtomicInteger();

    private List<String> load(List<String> value) {
        loads.incrementAndGet();
        return value;
    }

    @Test
    void advanceCarriesTheValueToTheNextVersionWithoutALoad() {
        List<String> first = cache.get("acme", 7, () -> load(List.of("web-1", "web-2")));
        cache.advance("acme", 7, 8, known -> {
            List<String> next = new ArrayList<>(known);
            next.remove("web-2");
            return next;
        });
        assertThat(cache.get("acme", 8, () -> load(List.of("reloaded")))).containsExactly("web-1");
        assertThat(loads).hasValue(1);
        assertThat(first).as("readers at the old version keep theirs").containsExactly("web-1", "web-2");
    }

    @Test
    void advanceFromAnotherVersionLeavesTheNextGetToLoad() {
        cache.get("acme", 5, () -> load(List.of("web-1")));
        cache.advance("acme", 7, 8, known -> List.of("wrong"));
        cache.advance("other", 7, 8, known -> List.of("wrong"));
        assertThat(cache.get("acme", 8, () -> load(List.of("reloaded")))).containsExactly("reloaded");
        assertThat(cache.get("other", 8, () -> load(List.of("fresh")))).containsExactly("fresh");
        assertThat(loads).hasValue(3);
    }
}

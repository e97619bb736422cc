package dev.keyless.service.team;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * A per-team value that is valid for one configuration version. Loading is cheap enough to race:
 * two requests that miss at once both load, and the later write wins with the same content.
 */
public final class VersionedCache<T> {
    private record Entry<T>(long version, T value) {}

    private final Map<String, Entry<T>> entries = new ConcurrentHashMap<>();

    public T get(String team, long version, Supplier<T> loader) {
        Entry<T> entry = entries.get(team);
        if (entry != null && entry.version() == version) {
            return entry.value();
        }
        T value = loader.get();
        entries.put(team, new Entry<>(version, value));
        return value;
    }
}

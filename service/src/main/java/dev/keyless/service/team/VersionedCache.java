package dev.keyless.service.team;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * A per-team value that is valid for one configuration version. Loading is cheap enough to race:
 * two requests that miss at once both load, and the later write wins with the same content.
 */
public final class VersionedCache<T> {
    private record Entry<T>(long version, T value) {}

    private final Map<String, Entry<T>> entries = new ConcurrentHashMap<>();

    /**
     * Carries the value cached at {@code from} over to {@code to}, changed by {@code change}, so
     * that one change does not make the next request reload the whole value; nothing when the
     * cache holds another version (the next {@link #get} loads it). {@code change} must return a
     * new value: requests still at {@code from} keep reading the old one.
     */
    public void advance(String team, long from, long to, UnaryOperator<T> change) {
        entries.computeIfPresent(
                team, (t, entry) -> entry.version() == from ? new Entry<>(to, change.apply(entry.value())) : entry);
    }

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

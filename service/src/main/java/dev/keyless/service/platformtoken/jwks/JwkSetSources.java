package dev.keyless.service.platformtoken.jwks;

import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;

/**
 * One shared key source per connection and key location, so every request of a connection uses
 * one cache and one rate limit. Keyed by connection id plus location: when an admin changes the
 * location a new source starts; {@link #evict} drops the old ones. Thread-safe.
 */
public final class JwkSetSources {
    private record Key(String connectionId, String location) {}

    private final Map<Key, JwkSetSource> sources = new ConcurrentHashMap<>();
    private final CloseableHttpClient http;
    private final Clock clock;
    private final JwksFetchSettings settings;
    private final JwksFetchListener listener;

    JwkSetSources(CloseableHttpClient http, Clock clock, JwksFetchSettings settings, JwksFetchListener listener) {
        this.http = http;
        this.clock = clock;
        this.settings = settings;
        this.listener = listener;
    }

    JwkSetSources(CloseableHttpClient http, Clock clock, JwksFetchSettings settings) {
        this(http, clock, settings, JwksFetchListener.NONE);
    }

    /** With one shared HTTP client: no redirects, internal addresses only when the settings allow. */
    public JwkSetSources(Clock clock, JwksFetchSettings settings, JwksFetchListener listener) {
        this(JwksFetcher.defaultClient(settings), clock, settings, listener);
    }

    public JwkSetSources(Clock clock, JwksFetchSettings settings) {
        this(clock, settings, JwksFetchListener.NONE);
    }

    /** The remote source for a connection's key location, created on first use. */
    public JwkSetSource remote(String connectionId, JwksLocation location) {
        return sources.computeIfAbsent(
                new Key(connectionId, location.toString()),
                k -> new RemoteJwkSetSource(
                        location,
                        http,
                        clock,
                        settings,
                        () -> listener.fetched(connectionId, true),
                        () -> listener.fetched(connectionId, false)));
    }

    /**
     * The pinned source for a connection; {@code contentKey} identifies the pasted set (e.g. its
     * hash) so an edit yields a new source.
     */
    public JwkSetSource pinned(String connectionId, String contentKey, Supplier<PinnedJwkSetSource> factory) {
        return sources.computeIfAbsent(new Key(connectionId, "pinned:" + contentKey), k -> factory.get());
    }

    /** Forgets every source of a connection (on update or delete). */
    public void evict(String connectionId) {
        sources.keySet().removeIf(k -> k.connectionId().equals(connectionId));
    }

    /** The health of every source: source id, then location. */
    public Map<String, Map<String, JwksHealth>> all() {
        Map<String, Map<String, JwksHealth>> out = new java.util.TreeMap<>();
        sources.forEach((k, v) -> out.computeIfAbsent(k.connectionId(), id -> new java.util.LinkedHashMap<>())
                .put(k.location(), v.health()));
        return out;
    }

    /** The sources of a connection, for health reporting. */
    public Map<String, JwksHealth> health(String connectionId) {
        Map<String, JwksHealth> out = new java.util.LinkedHashMap<>();
        sources.forEach((k, v) -> {
            if (k.connectionId().equals(connectionId)) {
                out.put(k.location(), v.health());
            }
        });
        return out;
    }
}

package dev.keyless.service.platformtoken.jwks;

import dev.keyless.service.metrics.KeylessMetrics;
import jakarta.inject.Singleton;

/** Counts key-set fetches and failures per connection. */
@Singleton
final class JwksFetchCounter implements JwksFetchListener {
    private final KeylessMetrics metrics;

    JwksFetchCounter(KeylessMetrics metrics) {
        this.metrics = metrics;
    }

    @Override
    public void fetched(String sourceId, boolean ok) {
        metrics.jwksFetch(sourceId, ok);
    }
}

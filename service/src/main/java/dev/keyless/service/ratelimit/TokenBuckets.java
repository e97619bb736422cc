package dev.keyless.service.ratelimit;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Token buckets by key, {@code perMinute} tokens each, refilled continuously. At most {@code
 * maxKeys} buckets are kept (least recently used dropped), so a caller rotating addresses costs
 * bounded memory; a dropped bucket starts full again, which the per-connection limit covers.
 * Thread-safe.
 */
final class TokenBuckets {
    private static final class Bucket {
        double tokens;
        long updatedNanos;
    }

    private final int maxKeys;
    private final Map<String, Bucket> buckets;

    TokenBuckets(int maxKeys) {
        this.maxKeys = maxKeys;
        this.buckets = new LinkedHashMap<>(1024, 0.75f, true) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Bucket> eldest) {
                return size() > TokenBuckets.this.maxKeys;
            }
        };
    }

    /** Takes one token; empty when allowed, else how long until a token is there. */
    synchronized Duration take(String key, int perMinute, long nowNanos) {
        double ratePerNano = perMinute / 60e9;
        Bucket b = buckets.get(key);
        if (b == null) {
            b = new Bucket();
            b.tokens = perMinute;
            b.updatedNanos = nowNanos;
            buckets.put(key, b);
        }
        b.tokens = Math.min(perMinute, b.tokens + (nowNanos - b.updatedNanos) * ratePerNano);
        b.updatedNanos = nowNanos;
        if (b.tokens >= 1) {
            b.tokens -= 1;
            return Duration.ZERO;
        }
        return Duration.ofNanos((long) Math.ceil((1 - b.tokens) / ratePerNano));
    }
}

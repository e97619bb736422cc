package dev.keyless.service.audit.stream;

import io.micronaut.context.env.Environment;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * {@code keyless.audit.stream.*}: common pacing, and one block per sink kind (each off unless
 * configured). Environment variables map as usual: {@code KEYLESS_AUDIT_STREAM_SYSLOG_HOST} is
 * {@code keyless.audit.stream.syslog.host}.
 */
record StreamSettings(Duration pollInterval, Duration lease, Duration maxBackoff, int batchSize, Environment env) {
    static final String PREFIX = "keyless.audit.stream.";

    static StreamSettings from(Environment env) {
        int batch = env.getProperty(PREFIX + "batch-size", Integer.class).orElse(200);
        if (batch < 1 || batch > 5000) {
            throw new IllegalArgumentException(PREFIX + "batch-size must be between 1 and 5000");
        }
        return new StreamSettings(
                duration(env, "poll-interval", Duration.ofMillis(500)),
                duration(env, "lease", Duration.ofSeconds(30)),
                duration(env, "max-backoff", Duration.ofSeconds(60)),
                batch,
                env);
    }

    Optional<String> string(String key) {
        return env.getProperty(PREFIX + key, String.class).filter(s -> !s.isBlank());
    }

    String required(String key) {
        return string(key).orElseThrow(() -> new IllegalArgumentException(PREFIX + key + " is required"));
    }

    int integer(String key, int fallback) {
        return env.getProperty(PREFIX + key, Integer.class).orElse(fallback);
    }

    boolean flag(String key) {
        return env.getProperty(PREFIX + key, Boolean.class).orElse(false);
    }

    Duration duration(String key, Duration fallback) {
        return duration(env, key, fallback);
    }

    Optional<Path> path(String key) {
        return string(key).map(Path::of);
    }

    private static Duration duration(Environment env, String key, Duration fallback) {
        Duration d = env.getProperty(PREFIX + key, Duration.class).orElse(fallback);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(PREFIX + key + " must be positive");
        }
        return d;
    }
}

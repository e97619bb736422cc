package dev.keyless.service.connection;

import dev.keyless.service.token.JwksHealth;
import io.micronaut.health.HealthStatus;
import io.micronaut.management.health.indicator.AbstractHealthIndicator;
import jakarta.inject.Singleton;
import java.util.Map;
import java.util.TreeMap;

/**
 * Shows issuer key-set outages in {@code /health}. An outage does not make the service DOWN: the
 * last good keys keep serving for a bounded time and other connections are unaffected.
 */
@Singleton
final class JwksHealthIndicator extends AbstractHealthIndicator<Map<String, Object>> {
    private final ConnectionKeys keys;

    JwksHealthIndicator(ConnectionKeys keys) {
        this.keys = keys;
    }

    @Override
    protected Map<String, Object> getHealthInformation() {
        Map<String, Object> details = new TreeMap<>();
        keys.allHealth().forEach((source, health) -> details.put(source, describe(health)));
        healthStatus = HealthStatus.UP;
        return details;
    }

    private static Map<String, Object> describe(JwksHealth h) {
        Map<String, Object> d = new TreeMap<>();
        d.put("available", h.available());
        d.put("stale", h.stale());
        d.put("keys", h.keyCount());
        if (h.lastSuccess() != null) {
            d.put("last_success", h.lastSuccess().toString());
        }
        if (h.lastFailure() != null) {
            d.put("last_failure", h.lastFailure().toString());
            d.put("last_error", h.lastError());
        }
        return d;
    }

    @Override
    protected String getName() {
        return "jwks";
    }
}

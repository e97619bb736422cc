package dev.keyless.service.connection;

import static dev.keyless.protocol.AdminRole.DEVOPS_ADMIN;
import static dev.keyless.protocol.AdminRole.SECURITY_ADMIN;

import dev.keyless.service.caller.AdminPrincipal;
import dev.keyless.service.platformtoken.jwks.JwksHealth;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The key-set health of one team's connections, for the admins who manage them. The anonymous
 * {@code /health} says only UP or DOWN: it once listed every team's key URLs and fetch errors, the
 * JDBC URL and the database version to anyone. An issuer outage does not make the service DOWN:
 * the last good keys keep serving for a bounded time and other connections are unaffected.
 */
@Controller("/v1/teams/{team}/health")
final class ConnectionHealthController {
    private final ConnectionKeys keys;

    ConnectionHealthController(ConnectionKeys keys) {
        this.keys = keys;
    }

    /** Per connection used since start, one entry per key location. */
    @Get
    Map<String, Object> health(String team, AdminPrincipal admin) {
        admin.require(SECURITY_ADMIN, DEVOPS_ADMIN);
        Map<String, Object> connections = new LinkedHashMap<>();
        keys.teamHealth(admin.team())
                .forEach((connection, sources) -> connections.put(
                        connection,
                        sources.entrySet().stream()
                                .map(e -> describe(e.getKey(), e.getValue()))
                                .toList()));
        return Map.of("connections", connections);
    }

    private static Map<String, Object> describe(String location, JwksHealth h) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("location", location);
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
}

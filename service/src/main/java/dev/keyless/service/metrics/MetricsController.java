package dev.keyless.service.metrics;

import dev.keyless.protocol.ProblemType;
import dev.keyless.service.problem.KeylessException;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.micronaut.context.annotation.Value;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Header;
import io.micronaut.http.annotation.Produces;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * {@code GET /metrics}: the Prometheus text format, for a scraper holding the metrics token
 * ({@code KEYLESS_METRICS_TOKEN}, sent as {@code Authorization: Bearer}). Without a configured
 * token the endpoint does not exist (404): the series name every team and connection, which the
 * anonymous {@code /health} was made status-only not to reveal.
 */
@Controller
final class MetricsController {
    static final String TEXT_FORMAT = "text/plain; version=0.0.4; charset=utf-8";

    private final PrometheusMeterRegistry registry;
    private final byte[] token;

    MetricsController(PrometheusMeterRegistry registry, @Value("${keyless.metrics.token:}") String token) {
        this.registry = registry;
        this.token = token.isBlank() ? null : digest(token.strip());
    }

    @Get("/metrics")
    @Produces(TEXT_FORMAT)
    @Operation(
            summary = "Prometheus metrics",
            description = "Needs the metrics token (KEYLESS_METRICS_TOKEN); 404 when none is configured.",
            security = @SecurityRequirement(name = "metricsToken"))
    String scrape(@Nullable @Header(HttpHeaders.AUTHORIZATION) String authorization) {
        if (token == null) {
            throw new KeylessException(ProblemType.NOT_FOUND, "No such resource");
        }
        String presented = authorization != null && authorization.startsWith("Bearer ")
                ? authorization.substring("Bearer ".length()).strip()
                : "";
        if (!MessageDigest.isEqual(token, digest(presented))) {
            throw new KeylessException(ProblemType.METRICS_UNAUTHENTICATED, "The metrics token is required");
        }
        return registry.scrape();
    }

    private static byte[] digest(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java platform", e);
        }
    }
}

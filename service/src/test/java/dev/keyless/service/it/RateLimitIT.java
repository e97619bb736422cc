package dev.keyless.service.it;

import static dev.keyless.testkit.service.TeamSetup.T;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.keyless.testkit.service.Api;
import dev.keyless.testkit.service.TeamSetup;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Abuse limits on the exchange, configured per team through the API: 429 {@code rate-limited}
 * with {@code Retry-After}, per client address (behind a trusted proxy, the forwarded one) and
 * per connection, counted in the metrics, not audited.
 */
class RateLimitIT {
    static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void perClientAddressAndPerConnection() throws Exception {
        try (RunningService service = RunningService.start(
                        TestDatabase.H2,
                        Map.of("keyless.trusted-proxies", "127.0.0.1", "keyless.metrics.token", "scrape-me"));
                TeamSetup team = new TeamSetup(service.uri(), service.bootstrapToken()).standard()) {
            Api api = team.api;
            assertThat(api.get(T + "/rate-limits", team.auditor)
                            .json()
                            .get("per_client_ip")
                            .asInt())
                    .isZero();
            assertThat(api.put(T + "/rate-limits", team.devops, Map.of("per_connection", 1, "per_client_ip", 1))
                            .slug())
                    .isEqualTo("admin-forbidden");
            assertThat(api.put(T + "/rate-limits", team.security, Map.of("per_connection", -1, "per_client_ip", 1))
                            .slug())
                    .isEqualTo("invalid-request");
            assertThat(api.put(T + "/rate-limits", team.security, Map.of("per_connection", 1))
                            .slug())
                    .isEqualTo("invalid-request");
            Api.Response set =
                    api.put(T + "/rate-limits", team.security, Map.of("per_connection", 4, "per_client_ip", 2));
            assertThat(set.status()).as(set.body()).isEqualTo(200);

            assertThat(exchange(service, team, "203.0.113.1").statusCode()).isEqualTo(200);
            assertThat(exchange(service, team, "203.0.113.1").statusCode()).isEqualTo(200);
            HttpResponse<String> limited = exchange(service, team, "203.0.113.1");
            assertThat(limited.statusCode()).isEqualTo(429);
            assertThat(limited.body()).contains("\"check\":\"rate-limited\"").contains("per-client-address");
            assertThat(Long.parseLong(
                            limited.headers().firstValue("Retry-After").orElseThrow()))
                    .isBetween(1L, 60L);

            // Another client still gets through, until the connection's own budget (4/min) is spent.
            assertThat(exchange(service, team, "203.0.113.2").statusCode()).isEqualTo(200);
            assertThat(exchange(service, team, "203.0.113.2").statusCode()).isEqualTo(200);
            HttpResponse<String> connection = exchange(service, team, "203.0.113.3");
            assertThat(connection.statusCode()).isEqualTo(429);
            assertThat(connection.body()).contains("per-connection");

            String audit = api.get(T + "/audit?type=workload.authenticate&limit=100", team.auditor)
                    .body();
            assertThat(audit).doesNotContain("rate-limited");
            assertThat(api.get(T + "/audit?type=team.rate_limits.update", team.auditor)
                            .body())
                    .contains("\"per_client_ip\":\"2\"");
            String metrics = Http.send(
                            "GET", service.uri().resolve("/metrics"), Map.of("Authorization", "Bearer scrape-me"), null)
                    .body();
            assertThat(metrics)
                    .contains(
                            "keyless_rate_limited_total{limit=\"client_ip\",path=\"workload/authenticate\",team=\"acme\"} 1.0")
                    .contains(
                            "keyless_rate_limited_total{limit=\"connection\",path=\"workload/authenticate\",team=\"acme\"} 1.0")
                    .contains(
                            "keyless_exchanges_total{check=\"rate-limited\",connection=\"github\",result=\"refused\",team=\"acme\"} 2.0");

            // 0 lifts the limit again (settings are cached for up to 10 s per replica; this one
            // dropped its cache on the change).
            api.put(T + "/rate-limits", team.security, Map.of("per_connection", 0, "per_client_ip", 0));
            assertThat(exchange(service, team, "203.0.113.1").statusCode()).isEqualTo(200);
        }
    }

    static HttpResponse<String> exchange(RunningService service, TeamSetup team, String forwardedFor) throws Exception {
        String body = JSON.writeValueAsString(Map.of("connection", "github", "token", team.githubToken()));
        return Http.send(
                "POST",
                service.uri().resolve(T + "/workload/authenticate"),
                Map.of("X-Forwarded-For", forwardedFor),
                body);
    }
}

package dev.keyless.agent.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The agent's metrics over real HTTP on loopback, under the service's names. */
class MetricsServerTest {

    @Test
    void servesTheAgentSeriesOnLoopbackOnly() throws Exception {
        AgentMetrics metrics = new AgentMetrics();
        metrics.activeSessions(() -> 2);
        metrics.provisioned(Duration.ofMillis(140));
        metrics.tornDown(Duration.ofMillis(30));
        metrics.refused();
        try (MetricsServer server = new MetricsServer(metrics, 0)) {
            assertThat(server.address().getAddress().isLoopbackAddress()).isTrue();
            HttpClient http = HttpClient.newHttpClient();
            URI base = URI.create("http://127.0.0.1:" + server.address().getPort());
            HttpResponse<String> r = http.send(
                    HttpRequest.newBuilder(base.resolve("/metrics")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body())
                    .contains("keyless_agent_provision_seconds_bucket{le=")
                    .contains("keyless_agent_provision_seconds_count 1")
                    .contains("keyless_agent_teardown_seconds_count 1")
                    .contains("keyless_agent_sessions_refused_total 1.0")
                    .contains("keyless_agent_sessions_active 2.0");
            assertThat(http.send(
                                    HttpRequest.newBuilder(base.resolve("/other"))
                                            .build(),
                                    HttpResponse.BodyHandlers.ofString())
                            .statusCode())
                    .isEqualTo(404);
            assertThat(http.send(
                                    HttpRequest.newBuilder(base.resolve("/metrics"))
                                            .POST(HttpRequest.BodyPublishers.noBody())
                                            .build(),
                                    HttpResponse.BodyHandlers.ofString())
                            .statusCode())
                    .isEqualTo(404);
        }
    }
}

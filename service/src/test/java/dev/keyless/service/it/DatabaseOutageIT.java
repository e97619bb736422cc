package dev.keyless.service.it;

import static dev.keyless.testkit.service.TeamSetup.T;
import static org.assertj.core.api.Assertions.assertThat;

import dev.keyless.testkit.TcpProxy;
import dev.keyless.testkit.service.TeamSetup;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The service on MariaDB through a TCP proxy that is cut off, as when the database server dies:
 * requests answer 503 with {@code Retry-After} within two seconds instead of waiting out the pool,
 * {@code /health} and {@code /health/readiness} say DOWN as fast while {@code /health/liveness} stays UP
 * (the process is fine: a liveness probe must not restart every replica for a database outage),
 * nothing is burned, and the service recovers by itself.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DatabaseOutageIT {
    static final Duration FAST = Duration.ofSeconds(2);
    final HttpClient http = HttpClient.newHttpClient();
    TcpProxy proxy;
    RunningService service;
    TeamSetup team;

    @BeforeAll
    void start() throws Exception {
        proxy = new TcpProxy(3306);
        service = RunningService.start(TestDatabase.MARIADB, proxy.port(), Map.of());
        team = new TeamSetup(service.uri(), service.bootstrapToken()).standard();
    }

    @AfterAll
    void stop() throws Exception {
        team.close();
        proxy.restore();
        service.close();
        proxy.close();
    }

    @Test
    void aDeadDatabaseAnswers503FastBurnsNothingAndTheServiceRecoversAlone() throws Exception {
        String token = team.githubToken();
        proxy.cut();
        try {
            Timed exchange =
                    post(T + "/workload/authenticate", null, "{\"connection\":\"github\",\"token\":\"" + token + "\"}");
            assertThat(exchange.elapsed).isLessThan(FAST);
            assertThat(exchange.response.statusCode())
                    .as(exchange.response.body())
                    .isEqualTo(503);
            assertThat(exchange.response.headers().firstValue("Retry-After")).isPresent();
            assertThat(exchange.response.body())
                    .contains("\"check\":\"unavailable\"")
                    .doesNotContain(token);

            Timed admin = post(
                    T + "/servers",
                    team.devops,
                    "{\"name\":\"during-outage\",\"address\":\"127.0.0.1\",\"port\":22,\"labels\":{}}");
            assertThat(admin.elapsed).isLessThan(FAST);
            assertThat(admin.response.statusCode()).isEqualTo(503);
            assertThat(admin.response.headers().firstValue("Retry-After")).isPresent();

            Timed health = get("/health");
            assertThat(health.elapsed).isLessThan(FAST);
            assertThat(health.response.statusCode()).isEqualTo(503);
            Timed readiness = get("/health/readiness");
            assertThat(readiness.elapsed).isLessThan(FAST);
            assertThat(readiness.response.statusCode()).isEqualTo(503);
            Timed liveness = get("/health/liveness");
            assertThat(liveness.elapsed).isLessThan(FAST);
            assertThat(liveness.response.statusCode()).isEqualTo(200);
            assertThat(liveness.response.body()).isEqualTo("{\"status\":\"UP\"}");
        } finally {
            proxy.restore();
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (get("/health").response.statusCode() != 200 && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertThat(get("/health/readiness").response.statusCode()).isEqualTo(200);
        Timed again =
                post(T + "/workload/authenticate", null, "{\"connection\":\"github\",\"token\":\"" + token + "\"}");
        assertThat(again.response.statusCode())
                .as("the token tried during the outage was not burned: " + again.response.body())
                .isEqualTo(200);
        assertThat(team.api.get(T + "/servers/during-outage", team.devops).status())
                .isEqualTo(404);
        assertThat(team.api
                        .get(T + "/audit/verify", team.auditor)
                        .json()
                        .get("valid")
                        .asBoolean())
                .isTrue();
    }

    record Timed(HttpResponse<String> response, Duration elapsed) {}

    private Timed post(String path, String bearer, String json) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(path))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json));
        if (bearer != null) {
            b.header("Authorization", "Bearer " + bearer);
        }
        return send(b.build());
    }

    private Timed get(String path) throws Exception {
        return send(HttpRequest.newBuilder(uri(path))
                .timeout(Duration.ofSeconds(30))
                .build());
    }

    private Timed send(HttpRequest request) throws Exception {
        long started = System.nanoTime();
        HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
        return new Timed(r, Duration.ofNanos(System.nanoTime() - started));
    }

    private URI uri(String path) {
        return service.uri().resolve(path);
    }
}

package dev.keyless.service.it;

import static dev.keyless.testkit.service.TeamSetup.T;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keyless.client.KeylessClient;
import dev.keyless.client.KeylessProblemException;
import dev.keyless.protocol.WorkloadRequests.AccessToken;
import dev.keyless.testkit.SshKeygen;
import dev.keyless.testkit.service.TeamSetup;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code GET /metrics} after a real flow (exchange, certificate, refusals, a JWKS fetch, secret
 * reveals): the named
 * series are there with bounded labels, and only for the holder of the metrics token.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MetricsIT {
    static final String METRICS_TOKEN = "metrics-" + java.util.UUID.randomUUID();

    RunningService service;
    TeamSetup team;
    KeylessClient client;
    String subject;

    @TempDir
    Path keys;

    @BeforeAll
    void start() throws Exception {
        service = RunningService.start(
                TestDatabase.H2,
                Map.of("keyless.metrics.token", METRICS_TOKEN, "keyless.metrics.sample-interval", "200ms"));
        team = new TeamSetup(service.uri(), service.bootstrapToken()).standard();
        client = KeylessClient.create(service.uri(), RunningService.TEAM);
        revealOneSecretAndBeRefusedOne();
    }

    /** A reveal and a refused one, before any test scrapes: one exchange, two reveal outcomes. */
    private void revealOneSecretAndBeRefusedOne() {
        String resources = team.api
                .post(T + "/admins", team.security, Map.of("name", "vault", "role", "resource_admin"))
                .json()
                .get("token")
                .asText();
        assertThat(team.api
                        .post(T + "/secret-folders", resources, Map.of("path", "/m/app"))
                        .status())
                .isEqualTo(201);
        assertThat(team.api
                        .post(
                                T + "/secrets",
                                resources,
                                Map.of(
                                        "path",
                                        "/m/app",
                                        "name",
                                        "db",
                                        "value",
                                        "metrics-" + java.util.UUID.randomUUID()))
                        .status())
                .isEqualTo(201);
        assertThat(team.api
                        .post(
                                T + "/policies",
                                team.security,
                                Map.of(
                                        "name",
                                        "m-secrets",
                                        "roles",
                                        java.util.List.of("deployer"),
                                        "secrets",
                                        java.util.List.of(
                                                Map.of("path", "/m/app/*", "actions", java.util.List.of("reveal")))))
                        .status())
                .isEqualTo(201);
        String access = client.authenticate("github", team.githubToken(), null).accessToken();
        client.revealSecret(access, "/m/app", "db", null);
        assertThatThrownBy(() -> client.revealSecret(access, "/m/other", "db", null))
                .isInstanceOf(KeylessProblemException.class);
    }

    @AfterAll
    void stop() throws Exception {
        team.close();
        service.close();
    }

    @Test
    void servesTheNamedSeriesAfterAFlow() throws Exception {
        String token = team.githubToken();
        AccessToken access = client.authenticate("github", token, null);
        Path key = SshKeygen.generate(keys, "m", "ed25519", 0, "job");
        client.requestCertificate(
                access.accessToken(),
                "web-01",
                Files.readString(Path.of(key + ".pub")).trim());
        assertThatThrownBy(() -> client.authenticate("github", token, null))
                .isInstanceOf(KeylessProblemException.class);
        assertThatThrownBy(() -> client.authenticate("github", team.githubToken(Map.of("ref", "refs/heads/dev")), null))
                .isInstanceOf(KeylessProblemException.class);
        // A connection name no admin created must not become a label value.
        assertThatThrownBy(() -> client.authenticate("made-up-by-client", team.githubToken(), null))
                .isInstanceOf(KeylessProblemException.class);
        assertThatThrownBy(() -> client.requestCertificate(
                        access.accessToken(),
                        "no-such-server",
                        Files.readString(Path.of(key + ".pub")).trim()))
                .isInstanceOf(KeylessProblemException.class);
        Thread.sleep(1000); // one round of the gauge sampler (200 ms here)

        String body = scrape(METRICS_TOKEN).body();

        assertThat(body)
                .contains(
                        // one exchange here, one before (for the reveals)
                        "keyless_exchanges_total{check=\"ok\",connection=\"github\",result=\"issued\",team=\"acme\"} 2.0")
                .contains(
                        "keyless_exchanges_total{check=\"token-replayed\",connection=\"github\",result=\"refused\",team=\"acme\"} 1.0")
                .contains(
                        "keyless_exchanges_total{check=\"role-not-matched\",connection=\"github\",result=\"refused\",team=\"acme\"} 1.0")
                .contains(
                        "keyless_exchanges_total{check=\"connection-not-found\",connection=\"(unknown)\",result=\"refused\",team=\"acme\"} 1.0")
                .contains("keyless_certificates_total{check=\"ok\",result=\"issued\",team=\"acme\"} 1.0")
                .contains("keyless_certificates_total{check=\"server-not-found\",result=\"refused\",team=\"acme\"} 1.0")
                .contains("keyless_jwks_fetches_total{connection=\"github\",result=\"ok\",team=\"acme\"}")
                .contains("keyless_jwks_keys{connection=\"github\",team=\"acme\"} 1.0")
                .contains("keyless_jwks_failing{connection=\"github\",team=\"acme\"} 0.0")
                .contains("keyless_jwks_staleness_seconds{connection=\"github\",team=\"acme\"}")
                .contains("keyless_sessions{state=\"READY\",team=\"acme\"}")
                .contains("keyless_secret_reveals_total{check=\"ok\",result=\"revealed\",team=\"acme\"} 1.0")
                .contains("keyless_secret_reveals_total{check=\"secret-denied\",result=\"refused\",team=\"acme\"} 1.0")
                .contains("keyless_replay_guard_entries 2.0") // refusals burn no token
                .contains("keyless_audit_chain_backlog ")
                .contains("keyless_audit_write_seconds_bucket{le=")
                .contains("hikaricp_connections_active")
                .contains("http_server_requests_seconds_count{")
                .doesNotContain("made-up-by-client")
                .doesNotContain(token)
                .doesNotContain(access.accessToken())
                .doesNotContain("repo:acme-corp"); // the platform subject is never a label
    }

    /** The Grafana dashboard in the repository queries only series the service serves. */
    @Test
    void theDashboardUsesTheseNames() throws Exception {
        String dashboard = Files.readString(Path.of("../ops/grafana/keyless.json"));
        String body = scrape(METRICS_TOKEN).body();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile(
                        "(keyless_[a-z_]+|hikaricp_[a-z_]+|http_server_[a-z_]+)")
                .matcher(dashboard);
        java.util.Set<String> names = new java.util.TreeSet<>();
        while (m.find()) {
            names.add(m.group(1));
        }
        assertThat(names).hasSizeGreaterThan(10);
        // Counters and histograms that appear on first use: rate limits (RateLimitIT) and agent teardown.
        java.util.Set<String> onFirstUse = java.util.Set.of(
                "keyless_rate_limited_total",
                "keyless_agent_teardown_seconds_bucket",
                "keyless_agent_provision_seconds_bucket");
        for (String name : names) {
            if (!onFirstUse.contains(name)) {
                assertThat(body).as("series " + name).containsPattern("(?m)^" + name + "[{ ]");
            }
        }
    }

    @Test
    void onlyTheTokenHolderScrapes() {
        assertThat(scrape(null).statusCode()).isEqualTo(401);
        assertThat(scrape("wrong").statusCode()).isEqualTo(401);
        assertThat(scrape(service.bootstrapToken()).statusCode()).isEqualTo(401);
        assertThat(scrape("wrong").body()).contains("metrics-unauthenticated").doesNotContain("keyless_");
    }

    @Test
    void withoutATokenThereIsNoEndpoint() throws Exception {
        try (RunningService plain = RunningService.start(TestDatabase.H2)) {
            HttpResponse<String> r = Http.send("GET", plain.uri().resolve("/metrics"), Map.of(), null);
            assertThat(r.statusCode()).isEqualTo(404);
            assertThat(r.body()).doesNotContain("keyless_");
        }
    }

    @Test
    void agentReportsFeedTheProvisioningHistogram() throws Exception {
        // The histogram series exist from the first report; AgentApiIT drives real reports, here the
        // metric is checked through the service's own registry after one report.
        service.context()
                .getBean(dev.keyless.service.metrics.KeylessMetrics.class)
                .provisioned("acme", java.time.Duration.ofMillis(120));
        assertThat(scrape(METRICS_TOKEN).body()).contains("keyless_agent_provision_seconds_bucket{team=\"acme\",le=");
    }

    HttpResponse<String> scrape(String bearer) {
        return Http.send(
                "GET",
                service.uri().resolve("/metrics"),
                bearer == null ? Map.of() : Map.of("Authorization", "Bearer " + bearer),
                null);
    }

    static String teamPath() {
        return T;
    }
}

package dev.keyless.service.it;

import static dev.keyless.testkit.service.TeamSetup.T;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keyless.client.KeylessClient;
import dev.keyless.protocol.WorkloadRequests.AccessToken;
import dev.keyless.protocol.WorkloadRequests.CertificateResponse;
import dev.keyless.testkit.SshKeygen;
import dev.keyless.testkit.service.Api;
import dev.keyless.testkit.service.TeamSetup;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * "Everything this pipeline run did" as one audit query: run, token, sub, repository, actor and an
 * around-iat window, over a real exchange, certificate and session close; hostile filter values
 * answer 400. Run once per database by the subclasses.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class AuditQueryTests {
    RunningService service;
    TeamSetup team;
    Api api;
    final String runA = "run-" + UUID.randomUUID();
    final String runB = "run-" + UUID.randomUUID();
    final String subA = "repo:acme-corp/deploy-svc:run:" + runA;
    long iatA;
    String sessionA;

    abstract TestDatabase database();

    @BeforeAll
    void start() throws Exception {
        service = RunningService.start(database());
        team = new TeamSetup(service.uri(), service.bootstrapToken()).standard();
        api = team.api;
        KeylessClient client = KeylessClient.create(service.uri(), RunningService.TEAM);
        iatA = Instant.now().getEpochSecond() - 5;
        AccessToken a = client.authenticate(
                "github", team.githubToken(Map.of("run_id", runA, "actor", "alice", "sub", subA)), null);
        Path key = SshKeygen.generate(Files.createTempDirectory("keyless-audit-keys"), "job", "ed25519", 0, "job");
        CertificateResponse cert = client.requestCertificate(
                a.accessToken(),
                "web-01",
                Files.readString(Path.of(key + ".pub")).trim());
        sessionA = cert.sessionId();
        client.closeSession(a.accessToken(), sessionA);
        client.authenticate("github", team.githubToken(Map.of("run_id", runB, "actor", "bob")), null);
    }

    @AfterAll
    void stop() throws Exception {
        if (team != null) {
            team.close();
        }
        if (service != null) {
            service.close();
        }
    }

    List<JsonNode> events(String query) {
        Api.Response r = api.get(T + "/audit?" + query, team.auditor);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        List<JsonNode> events = new ArrayList<>();
        r.json().path("events").forEach(events::add);
        return events;
    }

    static List<String> types(List<JsonNode> events) {
        return events.stream().map(e -> e.path("type").asText()).toList();
    }

    static String q(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    @Test
    void runFilterFindsTheExchangeTheCertificateAndTheSessionOfThatRunOnly() {
        List<JsonNode> run = events("run=" + q(runA));
        assertThat(types(run)).containsExactly("workload.authenticate", "ssh.certificate.issue", "session.close");
        assertThat(run)
                .allMatch(e -> !e.path("claims").path("run_id").asText(runA).equals(runB));
        assertThat(run.get(2).path("session_id").asText()).isEqualTo(sessionA);
    }

    @Test
    void tokenFilterFindsWhatTheAccessTokenDid() {
        String tokenId = events("run=" + q(runA) + "&type=workload.authenticate")
                .get(0)
                .path("token_id")
                .asText();
        assertThat(types(events("token=" + q(tokenId))))
                .containsExactly("workload.authenticate", "ssh.certificate.issue", "session.close");
    }

    @Test
    void subRepositoryAndActorFilters() {
        assertThat(types(events("sub=" + q(subA))))
                .containsExactly("workload.authenticate", "ssh.certificate.issue", "session.close");
        assertThat(types(events("actor=alice")))
                .containsExactly("workload.authenticate", "ssh.certificate.issue", "session.close");
        assertThat(types(events("repository=" + q("acme-corp/deploy-svc") + "&type=workload.authenticate")))
                .hasSize(2);
        assertThat(events("actor=alice&run=" + q(runB))).isEmpty();
        assertThat(events("actor=" + q("ghost 👻"))).isEmpty();
        assertThat(events("run=" + q("x' OR '1'='1"))).isEmpty();
    }

    @Test
    void aroundTheTokensIatIsAWindowEitherSide() {
        assertThat(types(events("run=" + q(runA) + "&around=" + iatA + "&window=PT5M")))
                .hasSize(3);
        assertThat(events("run=" + q(runA) + "&around=" + (iatA - 86_400) + "&window=PT5M"))
                .isEmpty();
        assertThat(events("around=" + q(Instant.ofEpochSecond(iatA).toString()) + "&type=session.close"))
                .hasSizeGreaterThanOrEqualTo(1);
    }

    @Test
    void sessionCloseCarriesTheSessionsDuration() {
        JsonNode close = events("session=" + sessionA + "&type=session.close").get(0);
        assertThat(close.path("details").path("duration_seconds").asLong(-1)).isBetween(0L, 60L);
    }

    static Stream<Arguments> hostileFilters() {
        return Stream.of(
                Arguments.of("token over 64", "token=" + "a".repeat(65), "token"),
                Arguments.of("sub over 1024", "sub=" + "s".repeat(1025), "sub"),
                Arguments.of("run over 256", "run=" + "r".repeat(257), "run"),
                Arguments.of("repository with a NUL", "repository=a%00b", "repository"),
                Arguments.of("actor with a newline", "actor=a%0Ab", "actor"),
                Arguments.of("empty run", "run=", "run"),
                Arguments.of("around not a time", "around=yesterday", "around"),
                Arguments.of("around past year 9999", "around=999999999999", "around"),
                Arguments.of("around negative", "around=-5", "around"),
                Arguments.of("around with since", "around=1700000000&since=2026-01-01T00:00:00Z", "around"),
                Arguments.of("window alone", "window=PT1H", "window"),
                Arguments.of("window too wide", "around=1700000000&window=P30D", "window"),
                Arguments.of("window not a duration", "around=1700000000&window=" + "9".repeat(100), "window"),
                Arguments.of("type over 64", "type=" + "t".repeat(65), "type"),
                Arguments.of("session over 40", "session=" + "x".repeat(41), "session"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("hostileFilters")
    void hostileFilterValuesAreRefusedWith400(String name, String query, String field) {
        Api.Response r = api.get(T + "/audit?" + query, team.auditor);
        assertThat(r.status()).as(r.body()).isEqualTo(400);
        assertThat(r.slug()).isEqualTo("invalid-request");
        assertThat(r.body()).contains(field);
    }
}

package dev.keyless.service.it;

import static dev.keyless.testkit.service.TeamSetup.T;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keyless.testkit.TcpProxy;
import dev.keyless.testkit.service.Api;
import dev.keyless.testkit.service.TeamSetup;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * An exchange whose {@code COMMIT} took effect on MariaDB while its answer was lost with the link
 * (a Galera node dying just then, or any network cut): the proxy between the service and the real
 * server lets the exchange's {@code COMMIT} through and resets the connection when the server's
 * OK comes back. The service cannot tell from the failure whether the commit happened, so it runs
 * the exchange again on a new connection; that attempt meets the replay-guard row its own first
 * attempt committed, finds the audit event that committed with it, and answers with the token that
 * event records, instead of refusing a token it has just exchanged ({@code token-replayed}) and
 * leaving the client with nothing. The token is still exchanged only once.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ExchangeCommitLostIT {
    TcpProxy proxy;
    RunningService service;
    TeamSetup team;
    Api api;

    @BeforeAll
    void start() throws Exception {
        proxy = new TcpProxy(3306);
        service = RunningService.start(TestDatabase.MARIADB, proxy.port(), Map.of());
        team = new TeamSetup(service.uri(), service.bootstrapToken()).standard();
        api = new Api(service.uri());
    }

    @AfterAll
    void stop() throws Exception {
        if (team != null) {
            team.close();
        }
        if (service != null) {
            service.close();
        }
        if (proxy != null) {
            proxy.close();
        }
    }

    @Test
    void anExchangeWhoseCommitAnswerWasLostReturnsItsOwnToken() {
        String platformToken = team.githubToken();
        Map<String, Object> body = Map.of("connection", "github", "token", platformToken);
        // the replay-guard insert is the exchange's first write; the COMMIT after it is the one lost
        proxy.loseAnswerOnce("INSERT INTO used_token", "commit");

        Api.Response exchanged = api.post(T + "/workload/authenticate", null, body);

        assertThat(proxy.answerLost())
                .as("the proxy broke the link under the exchange's COMMIT")
                .isTrue();
        assertThat(exchanged.status()).as(exchanged.body()).isEqualTo(200);
        String tokenId = tokenId(exchanged.json().get("access_token").asText());
        List<JsonNode> audited = new ArrayList<>();
        api.get(T + "/audit?type=workload.authenticate&limit=1000", team.auditor)
                .json()
                .get("events")
                .forEach(audited::add);
        assertThat(audited.stream()
                        .filter(e -> "success".equals(e.path("outcome").asText()))
                        .map(e -> e.get("token_id").asText()))
                .as("one exchange happened, and the client holds its token")
                .containsExactly(tokenId);

        Api.Response again = api.post(T + "/workload/authenticate", null, body);
        assertThat(again.status()).isEqualTo(401);
        assertThat(again.slug()).isEqualTo("token-replayed");
        assertThat(api.get(T + "/audit/verify", team.auditor)
                        .json()
                        .get("valid")
                        .asBoolean())
                .isTrue();
    }

    private static String tokenId(String accessToken) {
        String payload =
                new String(Base64.getUrlDecoder().decode(accessToken.split("\\.", -1)[1]), StandardCharsets.UTF_8);
        return new Api.Response(200, "", payload).json().get("jti").asText();
    }
}

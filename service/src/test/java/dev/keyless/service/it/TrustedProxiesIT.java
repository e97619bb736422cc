package dev.keyless.service.it;

import static dev.keyless.testkit.service.TeamSetup.T;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.keyless.testkit.service.TeamSetup;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The audit's {@code client_ip} behind a reverse proxy, over real HTTP from 127.0.0.1: forwarding
 * headers count only when the peer is a configured trusted proxy, and then only up to the first
 * hop that is not trusted.
 */
class TrustedProxiesIT {
    static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void aSpoofedHeaderFromAnUntrustedPeerIsIgnored() throws Exception {
        try (RunningService service = RunningService.start(TestDatabase.H2);
                TeamSetup team = new TeamSetup(service.uri(), service.bootstrapToken()).standard()) {
            assertThat(clientIpOf(service, team, Map.of("X-Forwarded-For", "203.0.113.9")))
                    .isEqualTo("127.0.0.1");
            assertThat(clientIpOf(service, team, Map.of("Forwarded", "for=203.0.113.9")))
                    .isEqualTo("127.0.0.1");
        }
    }

    @Test
    void aTrustedProxyNamesTheClient() throws Exception {
        try (RunningService service = RunningService.start(
                        TestDatabase.H2, Map.of("keyless.trusted-proxies", "127.0.0.0/8, 10.1.0.0/16"));
                TeamSetup team = new TeamSetup(service.uri(), service.bootstrapToken()).standard()) {
            assertThat(clientIpOf(service, team, Map.of("X-Forwarded-For", "203.0.113.9")))
                    .isEqualTo("203.0.113.9");
            // Right to left: the trusted inner proxy 10.1.2.3 is skipped; the client's own claim
            // (198.51.100.7, left of the first untrusted hop) is not believed.
            assertThat(clientIpOf(service, team, Map.of("X-Forwarded-For", "198.51.100.7, 203.0.113.9, 10.1.2.3")))
                    .isEqualTo("203.0.113.9");
            // RFC 7239 wins over X-Forwarded-For; IPv6 in brackets with a port.
            assertThat(clientIpOf(
                            service,
                            team,
                            Map.of(
                                    "Forwarded", "for=\"[2001:db8::17]:4711\";proto=https",
                                    "X-Forwarded-For", "203.0.113.9")))
                    .isEqualTo("2001:db8:0:0:0:0:0:17");
            // A hop that is not an IP literal stops the walk at the last vouched-for address.
            assertThat(clientIpOf(service, team, Map.of("X-Forwarded-For", "evil.example, 10.1.2.3")))
                    .isEqualTo("10.1.2.3");
            assertThat(clientIpOf(service, team, Map.of("X-Forwarded-For", "'; DROP TABLE audit_event; --")))
                    .isEqualTo("127.0.0.1");
            assertThat(clientIpOf(service, team, Map.of())).isEqualTo("127.0.0.1");
        }
    }

    @Test
    void anAdminsChangeRecordsTheAddressTheAdminCalledFromByTheSameRule() throws Exception {
        try (RunningService service =
                        RunningService.start(TestDatabase.H2, Map.of("keyless.trusted-proxies", "127.0.0.0/8"));
                TeamSetup team = new TeamSetup(service.uri(), service.bootstrapToken()).standard()) {
            assertThat(serverCreatedFrom(service, team, "via-proxy", Map.of("X-Forwarded-For", "198.51.100.20")))
                    .isEqualTo("198.51.100.20");
            assertThat(serverCreatedFrom(service, team, "direct", Map.of())).isEqualTo("127.0.0.1");
        }
        try (RunningService service = RunningService.start(TestDatabase.H2);
                TeamSetup team = new TeamSetup(service.uri(), service.bootstrapToken()).standard()) {
            assertThat(serverCreatedFrom(service, team, "spoofed", Map.of("X-Forwarded-For", "198.51.100.20")))
                    .isEqualTo("127.0.0.1");
        }
    }

    /** Creates server {@code name} as the devops admin with {@code headers}; the client_ip of its event. */
    static String serverCreatedFrom(RunningService service, TeamSetup team, String name, Map<String, String> headers)
            throws Exception {
        Map<String, String> h = new java.util.HashMap<>(headers);
        h.put("Authorization", "Bearer " + team.devops);
        String body = JSON.writeValueAsString(Map.of("name", name, "address", "127.0.0.1", "port", 22));
        HttpResponse<String> r = Http.send("POST", service.uri().resolve(T + "/servers"), h, body);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        JsonNode events = team.api
                .get(T + "/audit?type=server.create&server=" + name, team.auditor)
                .json()
                .get("events");
        assertThat(events).hasSize(1);
        assertThat(events.get(0).path("actor_id").asText()).isEqualTo("ops");
        return events.get(0).path("client_ip").asText();
    }

    /** Sends one exchange with {@code headers} and reads the client_ip its audit event recorded. */
    static String clientIpOf(RunningService service, TeamSetup team, Map<String, String> headers) throws Exception {
        String body = JSON.writeValueAsString(Map.of("connection", "github", "token", team.githubToken()));
        HttpResponse<String> r = Http.send("POST", service.uri().resolve(T + "/workload/authenticate"), headers, body);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        String accessToken = JSON.readTree(r.body()).get("access_token").asText();
        String tokenId = JSON.readTree(
                        java.util.Base64.getUrlDecoder().decode(accessToken.split("[.]", -1)[1]))
                .get("jti")
                .asText();
        // This exchange's own event, found by its token id (the query lists the oldest first).
        for (int i = 0; i < 50; i++) {
            JsonNode events = team.api
                    .get(T + "/audit?type=workload.authenticate&limit=1000", team.auditor)
                    .json()
                    .get("events");
            for (JsonNode e : events) {
                if (tokenId.equals(e.path("token_id").asText())) {
                    return e.path("client_ip").asText();
                }
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the exchange's audit event did not show");
    }
}

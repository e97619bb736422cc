package dev.keyless.cli.admin;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.putRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import dev.keyless.cli.KeylessCli;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code keyless admin tokens ...} in-process against a WireMock service (the CLI module may not
 * depend on the service; the service's AdminTokenIT runs the same calls for real): the requests it
 * sends, the table it prints, and that the problem of a revoked token comes out as one line; and
 * {@code keyless admin sso configure|approve}.
 */
class AdminTokensCliTest {
    static final String ADMIN_TOKEN = "kla_admin-token-0123456789abcdef";

    private WireMockServer wm;
    private final Map<String, String> env = new HashMap<>();

    record Run(int exit, String out, String err) {}

    @BeforeEach
    void start() {
        wm = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
        wm.start();
        env.put("KEYLESS_SERVICE_URL", "http://127.0.0.1:" + wm.port());
        env.put("KEYLESS_TEAM", "acme");
        env.put("KEYLESS_ADMIN_TOKEN", ADMIN_TOKEN);
    }

    @AfterEach
    void stop() {
        wm.stop();
    }

    private Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = KeylessCli.run(args, env, new PrintWriter(out), new PrintWriter(err));
        Run run = new Run(exit, out.toString(), err.toString());
        assertThat(run.out() + run.err()).doesNotContain(ADMIN_TOKEN);
        return run;
    }

    private static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder json(int status, String body) {
        return aResponse()
                .withStatus(status)
                .withHeader("Content-Type", status < 400 ? "application/json" : "application/problem+json")
                .withBody(body);
    }

    @Test
    void listPrintsATableOfTheTokensWithTheirState() {
        wm.stubFor(get(urlEqualTo("/v1/teams/acme/admin-tokens?admin_name=ops"))
                .willReturn(json(
                        200,
                        "[{\"id\":\"tok_1\",\"name\":\"ci\",\"admin\":\"ops\",\"created_by\":\"ops\","
                                + "\"created_at\":\"2026-12-01T00:00:00Z\",\"expires_at\":\"2027-03-01T00:00:00Z\","
                                + "\"last_used_at\":\"2026-12-02T00:00:00Z\",\"state\":\"active\"}]")));
        Run r = run("admin", "tokens", "list", "--admin", "ops");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("ID", "STATE", "tok_1", "ci", "active", "2026-12-02T00:00:00Z");
    }

    @Test
    void createSendsTheNameAndLifetimeAndPrintsTheTokenOnce() {
        wm.stubFor(post(urlPathEqualTo("/v1/teams/acme/admin-tokens"))
                .willReturn(json(
                        201,
                        "{\"id\":\"tok_2\",\"name\":\"nightly\",\"admin\":\"ops\",\"expires_at\":\"2026-12-09T00:00:00Z\","
                                + "\"token\":\"kla_new-token-shown-once\"}")));
        Run r = run("admin", "tokens", "create", "nightly", "--expires-in-seconds", "604800");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("kla_new-token-shown-once", "tok_2");
        wm.verify(postRequestedFor(urlPathEqualTo("/v1/teams/acme/admin-tokens"))
                .withHeader("Authorization", equalTo("Bearer " + ADMIN_TOKEN))
                .withRequestBody(equalToJson("{\"name\":\"nightly\",\"expires_in_seconds\":604800}")));
    }

    @Test
    void revokeAndPolicyCallTheirPaths() {
        wm.stubFor(post(urlPathEqualTo("/v1/teams/acme/admin-tokens/tok_3/revoke"))
                .willReturn(json(200, "{\"id\":\"tok_3\",\"state\":\"revoked\",\"revoked_by\":\"bootstrap\"}")));
        wm.stubFor(put(urlPathEqualTo("/v1/teams/acme/admin-token-policy"))
                .willReturn(json(200, "{\"default_ttl_seconds\":3600,\"max_ttl_seconds\":7200}")));
        Run revoked = run("admin", "tokens", "revoke", "tok_3");
        assertThat(revoked.exit()).as(revoked.err()).isZero();
        assertThat(revoked.out()).contains("revoked");
        Run policy = run("admin", "tokens", "policy", "--default-ttl-seconds", "3600", "--max-ttl-seconds", "7200");
        assertThat(policy.exit()).as(policy.err()).isZero();
        wm.verify(putRequestedFor(urlPathEqualTo("/v1/teams/acme/admin-token-policy"))
                .withRequestBody(equalToJson("{\"default_ttl_seconds\":3600,\"max_ttl_seconds\":7200}")));
    }

    @Test
    void ssoConfigureSendsTheFileAndApproveItsCall(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        java.nio.file.Path file = dir.resolve("sso.yaml");
        java.nio.file.Files.writeString(
                file,
                """
                issuer: https://login.example.com
                client_id: keyless-console
                redirect_uri: https://keyless.example.com/console/sso/callback
                roles_claim: groups
                roles:
                  kl-sec: security_admin
                """);
        wm.stubFor(put(urlPathEqualTo("/v1/teams/acme/sso")).willReturn(json(200, "{\"state\":\"pending\"}")));
        wm.stubFor(post(urlPathEqualTo("/v1/teams/acme/sso/approve"))
                .willReturn(json(200, "{\"state\":\"approved\",\"approved_by\":\"sec-two\"}")));
        Run configured = run("admin", "sso", "configure", "-f", file.toString());
        assertThat(configured.exit()).as(configured.err()).isZero();
        assertThat(configured.out()).contains("pending");
        wm.verify(putRequestedFor(urlPathEqualTo("/v1/teams/acme/sso"))
                .withRequestBody(
                        equalToJson("{\"issuer\":\"https://login.example.com\",\"client_id\":\"keyless-console\","
                                + "\"redirect_uri\":\"https://keyless.example.com/console/sso/callback\",\"roles_claim\":\"groups\","
                                + "\"roles\":{\"kl-sec\":\"security_admin\"}}")));
        Run approved = run("admin", "sso", "approve");
        assertThat(approved.exit()).as(approved.err()).isZero();
        assertThat(approved.out()).contains("approved", "sec-two");
    }

    @Test
    void aRevokedTokenIsOneClearLine() {
        wm.stubFor(get(urlEqualTo("/v1/teams/acme/admin-tokens"))
                .willReturn(json(
                        401,
                        "{\"type\":\"urn:keyless:problem:admin-token-revoked\",\"title\":\"The admin token was revoked\","
                                + "\"status\":401,\"detail\":\"The admin token 'ci' (tok_1) was revoked at"
                                + " 2026-12-02T00:00:00Z\",\"check\":\"admin-token-revoked\"}")));
        Run r = run("admin", "tokens", "list");
        assertThat(r.exit()).isNotZero();
        assertThat(r.err()).contains("admin-token-revoked").contains("was revoked");
    }
}

package dev.keyless.service.it;

import static dev.keyless.testkit.service.TeamSetup.T;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.keyless.testkit.service.Api;
import dev.keyless.testkit.service.TeamSetup;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.token.DefaultOAuth2TokenCallback;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Admin single sign-on against a real OIDC provider (mock-oauth2-server: discovery, authorization
 * code with PKCE, nonce in the ID token, JWKS) and the real service on H2 and MariaDB: settings
 * take effect only after a second security admin approves them; the sign-in sets a HttpOnly,
 * Secure, SameSite=Strict cookie; a state-changing call without the CSRF token is refused;
 * logout ends the session; a person is one admin however many sessions; all of it audited.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
abstract class SsoTests {
    static final String IDP = "acme-idp";
    static final String CLIENT = "keyless-console";
    static final ObjectMapper JSON = new ObjectMapper();

    RunningService service;
    TeamSetup team;
    Api api;
    MockOAuth2Server idp;
    final HttpClient browser =
            HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

    abstract TestDatabase database();

    @BeforeAll
    void start() throws Exception {
        idp = new MockOAuth2Server();
        idp.start(InetAddress.getLoopbackAddress(), 0);
        service = RunningService.start(database());
        team = new TeamSetup(service.uri(), service.bootstrapToken());
        api = team.api;
    }

    @AfterAll
    void stop() throws Exception {
        team.close();
        service.close();
        idp.shutdown();
    }

    Map<String, Object> settings() {
        return Map.of(
                "issuer",
                idp.issuerUrl(IDP).toString(),
                "client_id",
                CLIENT,
                "client_secret",
                "console-client-secret",
                "redirect_uri",
                service.uri() + "/console/sso/callback",
                "roles_claim",
                "groups",
                "roles",
                Map.of("kl-security", "security_admin", "kl-devops", "devops_admin"));
    }

    @Test
    @Order(1)
    void settingsTakeEffectOnlyWhenASecondSecurityAdminApproves() throws Exception {
        Api.Response put = api.put(T + "/sso", team.security, settings());
        assertThat(put.status()).as(put.body()).isEqualTo(200);
        assertThat(put.json().get("state").asText()).isEqualTo("pending");
        assertThat(put.json().get("client_secret_set").asBoolean()).isTrue();
        assertThat(put.body()).doesNotContain("console-client-secret");
        assertThat(api.put(T + "/sso", team.devops, settings()).slug()).isEqualTo("admin-forbidden");

        HttpResponse<String> early = get(service.uri() + "/console/login/acme", null);
        assertThat(early.statusCode()).isEqualTo(401);
        assertThat(early.body()).contains("sso-login-failed", "approval");

        assertThat(api.post(T + "/sso/approve", team.security, Map.of()).slug())
                .as("the writer approves nothing it wrote")
                .isEqualTo("approval-forbidden");
        Api.Response approved = api.post(T + "/sso/approve", team.securityTwo, Map.of());
        assertThat(approved.status()).as(approved.body()).isEqualTo(200);
        assertThat(approved.json().get("approved_by").asText()).isEqualTo("sec-two");
    }

    @Test
    @Order(2)
    void aSignInMakesAStrictSessionCookieAndCsrfGuardsChanges() throws Exception {
        Session alice = signIn("alice-subject", "alice@example.com", List.of("kl-devops", "unmapped"));
        assertThat(alice.setCookie())
                .containsIgnoringCase("HttpOnly")
                .contains("keyless_console=", "Secure", "SameSite=Strict", "Path=/");

        HttpResponse<String> list = get(service.uri() + T + "/connections", alice.cookie());
        assertThat(list.statusCode()).as(list.body()).isEqualTo(200);
        JsonNode me = JSON.readTree(
                get(service.uri() + "/console/session", alice.cookie()).body());
        assertThat(me.get("admin").asText()).isEqualTo("alice");
        assertThat(me.get("role").asText()).isEqualTo("devops_admin");

        String body = JSON.writeValueAsString(team.connectionSpec("sso-made"));
        HttpResponse<String> noCsrf = post(service.uri() + T + "/connections", alice.cookie(), null, body);
        assertThat(noCsrf.statusCode()).isEqualTo(403);
        assertThat(noCsrf.body()).contains("csrf-rejected");
        HttpResponse<String> wrong = post(service.uri() + T + "/connections", alice.cookie(), "not-it", body);
        assertThat(wrong.statusCode()).isEqualTo(403);
        HttpResponse<String> made = post(
                service.uri() + T + "/connections",
                alice.cookie(),
                me.get("csrf_token").asText(),
                body);
        assertThat(made.statusCode()).as(made.body()).isEqualTo(201);

        HttpResponse<String> landing = get(service.uri() + "/console/acme/", alice.cookie());
        assertThat(landing.statusCode()).isEqualTo(200);
        assertThat(landing.body()).contains("Signed in as <b>alice</b>", "id=\"logout\"");
        assertThat(landing.headers().firstValue("content-security-policy").orElse(""))
                .contains("script-src 'self'", "frame-ancestors 'none'");
        assertThat(get(service.uri() + "/console/acme/", null).body()).contains("href=\"/console/login/acme\"");
        assertThat(get(service.uri() + "/console/assets/console.js", null).body())
                .contains("X-CSRF-Token");

        JsonNode logins =
                api.get(T + "/audit?type=admin.login", team.auditor).json().get("events");
        assertThat(logins.toString()).contains("alice", "devops_admin");
        // The browser's address, as for every admin event (no proxy here).
        assertThat(logins.get(logins.size() - 1).path("client_ip").asText()).isEqualTo("127.0.0.1");
        JsonNode created = api.get(T + "/audit?type=connection.create", team.auditor)
                .json()
                .get("events");
        assertThat(created.toString()).contains("\"actor_id\":\"alice\"", "\"client_ip\":\"127.0.0.1\"");
    }

    @Test
    @Order(3)
    void twoSessionsOfOnePersonAreOneAdminAndLogoutEndsOnlyItsOwn() throws Exception {
        Session one = signIn("carol-subject", "carol", List.of("kl-security"));
        Session two = signIn("carol-subject", "carol", List.of("kl-security"));
        long carols = 0;
        for (JsonNode a : api.get(T + "/admins", team.security).json()) {
            if (a.get("name").asText().startsWith("carol")) {
                carols++;
                assertThat(a.get("owner").asText()).isEqualTo("carol");
            }
        }
        assertThat(carols).isEqualTo(1);

        String csrf = JSON.readTree(
                        get(service.uri() + "/console/session", one.cookie()).body())
                .get("csrf_token")
                .asText();
        assertThat(post(service.uri() + "/console/logout", one.cookie(), null, "")
                        .statusCode())
                .as("logout needs the CSRF token too")
                .isEqualTo(403);
        HttpResponse<String> out = post(service.uri() + "/console/logout", one.cookie(), csrf, "");
        assertThat(out.statusCode()).isEqualTo(204);
        assertThat(out.headers().firstValue("set-cookie").orElse("")).contains("keyless_console=", "Max-Age=0");
        HttpResponse<String> after = get(service.uri() + T + "/connections", one.cookie());
        assertThat(after.statusCode()).isEqualTo(401);
        assertThat(after.body()).contains("admin-session-expired");
        assertThat(get(service.uri() + T + "/connections", two.cookie()).statusCode())
                .isEqualTo(200);
        assertThat(api.get(T + "/audit?type=admin.logout", team.auditor)
                        .json()
                        .get("events")
                        .toString())
                .contains("carol", "\"client_ip\":\"127.0.0.1\"");
    }

    @Test
    @Order(4)
    void aStateIsUsedOnceAndUnmappedPeopleAreRefused() throws Exception {
        idp.enqueueCallback(callback("dave-subject", "dave", List.of("kl-devops")));
        URI callback = authorize();
        assertThat(get(callback.toString(), null).statusCode()).isEqualTo(200);
        HttpResponse<String> again = get(callback.toString(), null);
        assertThat(again.statusCode()).isEqualTo(401);
        assertThat(again.body()).contains("sso-login-failed", "state");

        idp.enqueueCallback(callback("eve-subject", "eve", List.of("everyone")));
        HttpResponse<String> refused = get(authorize().toString(), null);
        assertThat(refused.statusCode()).isEqualTo(401);
        assertThat(refused.body()).contains("roles");
        // The reused state names no team, so its refusal has no team chain to go into; the unmapped one has.
        JsonNode refusals = api.get(T + "/audit?type=admin.login.refuse", team.auditor)
                .json()
                .get("events");
        assertThat(refusals.toString()).contains("\"step\":\"roles\"", "sso-login-failed");
        assertThat(refusals.get(refusals.size() - 1).path("client_ip").asText()).isEqualTo("127.0.0.1");

        idp.enqueueCallback(callback("mallory-subject", "mallory", List.of("kl-security", "kl-devops")));
        assertThat(get(authorize().toString(), null).body()).as("two roles").contains("several admin roles");
    }

    record Session(String cookie, String setCookie) {}

    Session signIn(String subject, String name, List<String> groups) throws Exception {
        idp.enqueueCallback(callback(subject, name, groups));
        HttpResponse<String> done = get(authorize().toString(), null);
        assertThat(done.statusCode()).as(done.body()).isEqualTo(200);
        assertThat(done.body()).contains("url=/console/acme/");
        String setCookie = done.headers().firstValue("set-cookie").orElseThrow();
        return new Session(setCookie.substring(0, setCookie.indexOf(';')), setCookie);
    }

    /** The service's redirect to the provider, and the provider's back to the callback. */
    URI authorize() throws Exception {
        HttpResponse<String> login = get(service.uri() + "/console/login/acme", null);
        assertThat(login.statusCode()).as(login.body()).isEqualTo(303);
        String location = login.headers().firstValue("location").orElseThrow();
        assertThat(location)
                .startsWith(idp.authorizationEndpointUrl(IDP).toString())
                .contains("code_challenge_method=S256", "code_challenge=", "nonce=", "state=", "client_id=" + CLIENT);
        HttpResponse<String> idpAnswer = get(location, null);
        assertThat(idpAnswer.statusCode()).as(idpAnswer.body()).isEqualTo(302);
        URI back = URI.create(idpAnswer.headers().firstValue("location").orElseThrow());
        assertThat(back.toString()).startsWith(service.uri() + "/console/sso/callback?");
        return back;
    }

    static DefaultOAuth2TokenCallback callback(String subject, String name, List<String> groups) {
        return new DefaultOAuth2TokenCallback(
                IDP, subject, "JWT", List.of(CLIENT), Map.of("preferred_username", name, "groups", groups), 3600);
    }

    HttpResponse<String> get(String url, String cookie) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).GET();
        if (cookie != null) {
            b.header("Cookie", cookie);
        }
        return browser.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> post(String url, String cookie, String csrf, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (cookie != null) {
            b.header("Cookie", cookie);
        }
        if (csrf != null) {
            b.header("X-CSRF-Token", csrf);
        }
        return browser.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
}

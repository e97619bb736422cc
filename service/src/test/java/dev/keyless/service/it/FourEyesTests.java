package dev.keyless.service.it;

import static dev.keyless.testkit.service.TeamSetup.AUDIENCE;
import static dev.keyless.testkit.service.TeamSetup.T;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.jwk.RSAKey;
import dev.keyless.testkit.JwksServer;
import dev.keyless.testkit.TestKeys;
import dev.keyless.testkit.TestTokens;
import dev.keyless.testkit.service.Api;
import dev.keyless.testkit.service.TeamSetup;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Separation of duties that cannot be walked around (issue 9, finding 4), over real HTTP, once per
 * database. The team is the README's: {@code bootstrap} created {@code sec-two} (the hand-over, its
 * own owner) and then {@code ops} (owned by bootstrap). The attacker holds the bootstrap token only;
 * his trust settings are an issuer and key set of his own ({@link #evil}).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class FourEyesTests {
    RunningService service;
    TeamSetup team;
    Api api;
    RSAKey evilKey;
    JwksServer evil;

    abstract TestDatabase database();

    @BeforeAll
    void start() throws Exception {
        service = RunningService.start(database());
        team = new TeamSetup(service.uri(), service.bootstrapToken()).standard();
        api = team.api;
        evilKey = TestKeys.rsa("evil-key-1");
        evil = new JwksServer("/oauth/discovery/keys", evilKey.toPublicJWK());
    }

    @AfterAll
    void stop() throws Exception {
        if (evil != null) {
            evil.close();
        }
        if (team != null) {
            team.close();
        }
        if (service != null) {
            service.close();
        }
    }

    @Test
    void putOnAnActiveConnectionChangesNothingLiveUntilASecondSecurityAdminApproves() {
        String live = grantedConnection("swap");
        Api.Response put = api.put(T + "/connections/swap", team.security, evilSpec("swap"));
        assertThat(put.status()).as(put.body()).isEqualTo(202);
        assertThat(put.json().get("content_hash").asText()).isEqualTo(live);
        assertThat(put.json().get("state").asText()).isEqualTo("ACTIVE");
        JsonNode pending = put.json().get("pending_change");
        assertThat(pending.get("proposed_by").asText()).isEqualTo("bootstrap");
        assertThat(fields(pending)).contains("issuer", "jwks_uri", "required_claims");

        // The attacker's tokens are refused, the real issuer's still work: the live settings are the approved ones.
        assertThat(exchange("swap", evilToken()).slug()).isEqualTo("token-key-unknown");
        assertThat(exchange("swap", realToken()).status()).isEqualTo(200);
        Api.Response seen = api.get(T + "/connections/swap/pending-change", team.securityTwo);
        assertThat(seen.status()).isEqualTo(200);
        assertThat(fields(seen.json())).contains("issuer", "jwks_uri");
        assertThat(api.get(T + "/connections/swap", team.auditor)
                        .json()
                        .get("pending_change")
                        .get("content_hash")
                        .asText())
                .isEqualTo(pending.get("content_hash").asText());

        // The happy path: a second security admin who existed before the proposal approves it.
        Api.Response approved =
                approve("swap", team.securityTwo, pending.get("content_hash").asText());
        assertThat(approved.status()).as(approved.body()).isEqualTo(200);
        assertThat(approved.json().get("content_hash").asText())
                .isEqualTo(pending.get("content_hash").asText());
        assertThat(approved.json().get("approved_by").asText()).isEqualTo("sec-two");
        assertThat(approved.json().get("proposed_by").asText()).isEqualTo("bootstrap");
        assertThat(approved.json().hasNonNull("pending_change")).isFalse();
        assertThat(approved.json().get("state").asText()).isEqualTo("ACTIVE");
        assertThat(exchange("swap", evilToken()).status()).isEqualTo(200);
        assertThat(exchange("swap", realToken()).slug()).isEqualTo("token-key-unknown");
        assertAudited("connection.change.propose", "swap");
        assertAudited("connection.change.approve", "swap");
    }

    @Test
    void neitherTheProposerNorTheCreatorCanApprove() {
        grantedConnection("mine");
        String hash = propose("mine", team.security);
        Api.Response own = approve("mine", team.security, hash);
        assertRefused(own, "approver-is-proposer");
        assertThat(exchange("mine", evilToken()).slug()).isEqualTo("token-key-unknown");

        // sec-two created this one, bootstrap activated it; sec-two may then not approve a change of it.
        create("theirs", team.securityTwo, realSpec("theirs"));
        assertThat(api.post(T + "/connections/theirs/activate", team.security, null)
                        .status())
                .isEqualTo(200);
        String theirs = propose("theirs", team.security);
        assertRefused(approve("theirs", team.securityTwo, theirs), "approver-is-creator");
        assertRefused(approve("theirs", team.security, theirs), "approver-is-proposer");
        assertAudited("connection.approval.refuse", "mine");
    }

    @Test
    void theCreatorCannotDeactivateAndReactivateItsOwnConnection() {
        create("cycle", team.securityTwo, realSpec("cycle"));
        assertThat(api.post(T + "/connections/cycle/activate", team.security, null)
                        .status())
                .isEqualTo(200);
        assertThat(api.post(T + "/connections/cycle/deactivate", team.securityTwo, null)
                        .status())
                .isEqualTo(200);
        assertRefused(api.post(T + "/connections/cycle/activate", team.securityTwo, null), "approver-is-proposer");

        // ops (owned by bootstrap) created it: bootstrap may switch it off but not on again.
        grantedConnection("cycle2");
        assertThat(api.post(T + "/connections/cycle2/deactivate", team.security, null)
                        .status())
                .isEqualTo(200);
        assertRefused(api.post(T + "/connections/cycle2/activate", team.security, null), "approver-shares-owner");
        assertThat(api.post(T + "/connections/cycle2/activate", team.securityTwo, null)
                        .status())
                .isEqualTo(200);
    }

    @Test
    void aSecurityAdminCreatedByTheAttackerCannotApproveHisSettings() {
        String secEvil = admin("sec-evil", "security_admin", team.security);
        String opsEvil = admin("ops-evil", "devops_admin", team.security);
        String secEvil2 = admin("sec-evil2", "security_admin", secEvil);

        // Bootstrap drafts, its own security admins activate.
        create("own-draft", team.security, evilSpec("own-draft"));
        assertRefused(api.post(T + "/connections/own-draft/activate", secEvil, null), "approver-shares-owner");
        assertRefused(api.post(T + "/connections/own-draft/activate", secEvil2, null), "approver-shares-owner");
        // Its own devops admin drafts, bootstrap or its security admin activates.
        create("ops-draft", opsEvil, evilSpec("ops-draft"));
        assertRefused(api.post(T + "/connections/ops-draft/activate", secEvil, null), "approver-shares-owner");
        assertRefused(api.post(T + "/connections/ops-draft/activate", team.security, null), "approver-shares-owner");
        // Bootstrap changes an active connection, its own security admin approves.
        grantedConnection("own-change");
        String hash = propose("own-change", team.security);
        assertRefused(approve("own-change", secEvil, hash), "approver-shares-owner");
        assertRefused(approve("own-change", secEvil2, hash), "approver-shares-owner");
        // A draft edited by bootstrap after ops wrote it: bootstrap proposed what is there now.
        create("edited", team.devops, realSpec("edited"));
        assertThat(api.put(T + "/connections/edited", team.security, evilSpec("edited"))
                        .status())
                .isEqualTo(200);
        assertRefused(api.post(T + "/connections/edited/activate", secEvil, null), "approver-shares-owner");
        assertRefused(api.post(T + "/connections/edited/activate", team.security, null), "approver-is-proposer");

        for (String name : List.of("own-draft", "ops-draft", "edited")) {
            assertThat(api.get(T + "/connections/" + name, team.security)
                            .json()
                            .get("state")
                            .asText())
                    .isEqualTo("DRAFT");
        }
        assertThat(exchange("own-change", evilToken()).slug()).isEqualTo("token-key-unknown");
    }

    @Test
    void noAdminCanPassForTheSystemThatCreatedTheBootstrapAdmin() {
        // An admin named "system" would make each admin it creates look like the bootstrap admin: its own owner.
        Api.Response r = api.post(T + "/admins", team.security, Map.of("name", "system", "role", "security_admin"));
        assertThat(r.status()).as(r.body()).isEqualTo(400);
        assertThat(r.slug()).isEqualTo("invalid-request");
        assertThat(r.json().get("errors").get(0).get("field").asText()).isEqualTo("name");
    }

    @Test
    void anAdminCreatedAfterTheProposalCannotApproveIt() throws Exception {
        grantedConnection("late");
        String hash = propose("late", team.security);
        Thread.sleep(5);
        // sec-two's own admin: independent of bootstrap, but it did not exist when the change was proposed.
        String late = admin("sec-late", "security_admin", team.securityTwo);
        assertRefused(approve("late", late, hash), "approver-newer-than-proposal");

        create("late-draft", team.devops, realSpec("late-draft"));
        Thread.sleep(5);
        String later = admin("sec-later", "security_admin", team.securityTwo);
        assertRefused(api.post(T + "/connections/late-draft/activate", later, null), "approver-newer-than-proposal");
        // The same admin may approve what is proposed after it existed.
        Thread.sleep(5);
        String again = propose("late", team.security);
        assertThat(approve("late", late, again).status()).isEqualTo(200);
    }

    @Test
    void anApprovalNamesTheChangeItApproves() {
        grantedConnection("race");
        String reviewed = propose("race", team.security);
        Map<String, Object> other = new java.util.HashMap<>(evilSpec("race"));
        other.put("audiences", List.of(AUDIENCE, "https://other.example.com"));
        Api.Response swapped = api.put(T + "/connections/race", team.security, other);
        assertThat(swapped.status()).isEqualTo(202);
        String current =
                swapped.json().get("pending_change").get("content_hash").asText();
        assertThat(current).isNotEqualTo(reviewed);

        Api.Response stale = approve("race", team.securityTwo, reviewed);
        assertThat(stale.status()).isEqualTo(409);
        assertThat(stale.slug()).isEqualTo("approval-stale");
        Api.Response blind = api.post(T + "/connections/race/approve", team.securityTwo, null);
        assertThat(blind.status()).isEqualTo(400);
        assertThat(blind.slug()).isEqualTo("invalid-request");
        assertThat(api.post(T + "/connections/race/approve", team.securityTwo, "[\"" + current + "\"]")
                        .slug())
                .isEqualTo("malformed-request");
        String huge = current.toUpperCase(java.util.Locale.ROOT) + "0".repeat(10_000);
        Api.Response odd = approve("race", team.securityTwo, huge);
        assertThat(odd.slug()).isEqualTo("approval-stale");
        assertThat(odd.body()).doesNotContain("0000000000000000");
        assertThat(approve("race", team.devops, current).slug()).isEqualTo("admin-forbidden");
        assertThat(api.post(T + "/connections/race/activate", team.securityTwo, Map.of("content_hash", reviewed))
                        .slug())
                .isEqualTo("invalid-state-transition");
        assertThat(exchange("race", evilToken()).slug()).isEqualTo("token-key-unknown");

        // A rejection drops the change, and is audited; the live settings never moved.
        Api.Response rejected = api.post(T + "/connections/race/reject", team.securityTwo, null);
        assertThat(rejected.status()).isEqualTo(200);
        assertThat(rejected.json().hasNonNull("pending_change")).isFalse();
        assertThat(api.get(T + "/connections/race/pending-change", team.security)
                        .slug())
                .isEqualTo("not-found");
        assertThat(approve("race", team.securityTwo, current).slug()).isEqualTo("not-found");
        assertAudited("connection.change.reject", "race");
        assertThat(exchange("race", realToken()).status()).isEqualTo(200);
    }

    @Test
    void aDraftActivatesOnlyAsReviewed() {
        create("reviewed", team.devops, realSpec("reviewed"));
        String reviewed = api.get(T + "/connections/reviewed", team.securityTwo)
                .json()
                .get("content_hash")
                .asText();
        assertThat(api.put(T + "/connections/reviewed", team.devops, evilSpec("reviewed"))
                        .status())
                .isEqualTo(200);
        Api.Response r =
                api.post(T + "/connections/reviewed/activate", team.securityTwo, Map.of("content_hash", reviewed));
        assertThat(r.status()).isEqualTo(409);
        assertThat(r.slug()).isEqualTo("approval-stale");
    }

    @Test
    void aDevopsAdminRequestsActivationAndASecondSecurityAdminApprovesOrRejectsIt() {
        create("asked", team.devops, realSpec("asked"));
        String hash = api.get(T + "/connections/asked", team.devops)
                .json()
                .get("content_hash")
                .asText();
        Api.Response stale = api.post(
                T + "/connections/asked/request-activation", team.devops, Map.of("content_hash", "0".repeat(64)));
        assertThat(stale.slug()).isEqualTo("approval-stale");
        Api.Response asked =
                api.post(T + "/connections/asked/request-activation", team.devops, Map.of("content_hash", hash));
        assertThat(asked.status()).as(asked.body()).isEqualTo(200);
        JsonNode request = asked.json().get("activation_request");
        assertThat(request.get("requested_by").asText()).isEqualTo("ops");
        assertThat(request.get("content_hash").asText()).isEqualTo(hash);
        assertThat(fields(request)).contains("issuer", "audiences", "required_claims");
        assertThat(request.get("changes").get(0).hasNonNull("from")).isFalse();
        assertAudited("connection.activation.request", "asked");

        // An edit drops the request: what was asked for is no longer what would become active.
        assertThat(api.put(T + "/connections/asked", team.devops, evilSpec("asked"))
                        .status())
                .isEqualTo(200);
        assertThat(api.get(T + "/connections/asked", team.securityTwo).json().hasNonNull("activation_request"))
                .isFalse();
        assertThat(api.post(T + "/connections/asked/request-activation", team.devops, null)
                        .status())
                .isEqualTo(200);

        assertThat(api.post(T + "/connections/asked/reject", team.devops, null).slug())
                .isEqualTo("admin-forbidden");
        Api.Response rejected = api.post(T + "/connections/asked/reject", team.securityTwo, null);
        assertThat(rejected.status()).as(rejected.body()).isEqualTo(200);
        assertThat(rejected.json().get("state").asText()).isEqualTo("DRAFT");
        assertThat(rejected.json().hasNonNull("activation_request")).isFalse();
        assertThat(api.post(T + "/connections/asked/reject", team.securityTwo, null)
                        .slug())
                .isEqualTo("not-found");
        assertAudited("connection.activation.reject", "asked");

        String requested = api.post(T + "/connections/asked/request-activation", team.devops, null)
                .json()
                .get("activation_request")
                .get("content_hash")
                .asText();
        assertRefused(
                api.post(T + "/connections/asked/activate", team.security, Map.of("content_hash", requested)),
                "approver-shares-owner");
        Api.Response active =
                api.post(T + "/connections/asked/activate", team.securityTwo, Map.of("content_hash", requested));
        assertThat(active.status()).as(active.body()).isEqualTo(200);
        assertThat(active.json().get("state").asText()).isEqualTo("ACTIVE");
        assertThat(active.json().hasNonNull("activation_request")).isFalse();
        assertThat(api.get(T + "/audit?type=connection.activate", team.auditor).body())
                .contains("\"requested_by\":\"ops\"");
        Api.Response again = api.post(T + "/connections/asked/request-activation", team.devops, null);
        assertThat(again.slug()).isEqualTo("invalid-state-transition");
    }

    @Test
    void liveSettingsNoSecondAdminApprovedIssueNothing() throws Exception {
        grantedConnection("tampered");
        assertThat(exchange("tampered", realToken()).status()).isEqualTo(200);
        try (Connection c = service.jdbc();
                Statement s = c.createStatement()) {
            s.executeUpdate("UPDATE workload_connection SET approved_content_hash = NULL WHERE name = 'tampered'");
            s.executeUpdate("UPDATE team SET config_version = config_version + 1");
        }
        assertThat(exchange("tampered", realToken()).slug()).isEqualTo("connection-not-active");
        assertThat(api.post(T + "/connections/tampered/deactivate", team.securityTwo, null)
                        .status())
                .isEqualTo(200);
        assertRefused(api.post(T + "/connections/tampered/activate", team.securityTwo, null), "settings-not-approved");
    }

    @Test
    void aFreshTeamStartsByHandingOverOneSecurityAdmin() throws Exception {
        try (RunningService fresh = RunningService.start(database());
                JwksServer jwks = new JwksServer("/oauth/discovery/keys", team.signingKey.toPublicJWK())) {
            Api freshApi = new Api(fresh.uri());
            String root = fresh.bootstrapToken();
            Map<String, Object> spec = Map.of(
                    "name", "early",
                    "provider", "gitlab",
                    "issuer", jwks.issuer(),
                    "jwks_uri", jwks.jwksUri(),
                    "audiences", List.of(AUDIENCE));
            assertThat(freshApi.post(T + "/connections", root, spec).status()).isEqualTo(201);
            Thread.sleep(5);
            String sec2 = created(freshApi.post(T + "/admins", root, Map.of("name", "sec2", "role", "security_admin")));
            String ops = created(freshApi.post(T + "/admins", root, Map.of("name", "ops", "role", "devops_admin")));
            String sec3 = created(freshApi.post(T + "/admins", root, Map.of("name", "sec3", "role", "security_admin")));
            // What the root drafted before the hand-over, the new admin cannot approve.
            assertRefused(freshApi.post(T + "/connections/early/activate", sec2, null), "approver-newer-than-proposal");

            Map<String, Object> next = new java.util.HashMap<>(spec);
            next.put("name", "github");
            Thread.sleep(5);
            assertThat(freshApi.post(T + "/connections", ops, next).status()).isEqualTo(201);
            // A security admin created once the team has two is the root's own: it cannot activate.
            assertRefused(freshApi.post(T + "/connections/github/activate", sec3, null), "approver-shares-owner");
            assertRefused(freshApi.post(T + "/connections/github/activate", root, null), "approver-shares-owner");
            // The hand-over admin can: the walkthrough's start.
            Api.Response activated = freshApi.post(T + "/connections/github/activate", sec2, null);
            assertThat(activated.status()).as(activated.body()).isEqualTo(200);
            assertThat(activated.json().get("approved_by").asText()).isEqualTo("sec2");
        }
    }

    // --- helpers

    /** An ACTIVE GitLab-shaped connection on the real JWKS, created by ops, activated by sec-two, with a role and policy. */
    private String grantedConnection(String name) {
        team.activeConnection(realSpec(name));
        team.role(name, name, Map.of("namespace_path", "platform"));
        team.policy(name, List.of(name), Map.of("names", List.of("web-01")), List.of());
        return api.get(T + "/connections/" + name, team.security)
                .json()
                .get("content_hash")
                .asText();
    }

    private Map<String, Object> realSpec(String name) {
        return team.gitlabConnectionSpec(name);
    }

    private Map<String, Object> evilSpec(String name) {
        return Map.of(
                "name", name,
                "provider", "gitlab",
                "issuer", evil.issuer(),
                "jwks_uri", evil.jwksUri(),
                "audiences", List.of(AUDIENCE),
                "required_claims", Map.of());
    }

    private String realToken() {
        return team.gitlabToken(AUDIENCE, Map.of());
    }

    private String evilToken() {
        return TestTokens.sign(TestTokens.claims("gitlab", evil.issuer(), AUDIENCE, Instant.now()), evilKey);
    }

    private Api.Response exchange(String connection, String token) {
        return api.post(T + "/workload/authenticate", null, Map.of("connection", connection, "token", token));
    }

    private void create(String name, String by, Map<String, Object> spec) {
        Api.Response r = api.post(T + "/connections", by, spec);
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        assertThat(r.json().get("name").asText()).isEqualTo(name);
    }

    /** Bootstrap's (or another admin's) change to the attacker's settings; returns its content hash. */
    private String propose(String name, String by) {
        Api.Response r = api.put(T + "/connections/" + name, by, evilSpec(name));
        assertThat(r.status()).as(r.body()).isEqualTo(202);
        return r.json().get("pending_change").get("content_hash").asText();
    }

    private Api.Response approve(String name, String by, String hash) {
        return api.post(T + "/connections/" + name + "/approve", by, Map.of("content_hash", hash));
    }

    private String admin(String name, String role, String by) {
        return created(api.post(T + "/admins", by, Map.of("name", name, "role", role)));
    }

    private static String created(Api.Response r) {
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        return r.json().get("token").asText();
    }

    private static void assertRefused(Api.Response r, String rule) {
        assertThat(r.status()).as(r.body()).isEqualTo(403);
        assertThat(r.slug()).isEqualTo("approval-forbidden");
        assertThat(r.json().get("detail").asText()).startsWith("Four-eyes rule " + rule + ":");
    }

    private static List<String> fields(JsonNode pending) {
        List<String> names = new ArrayList<>();
        pending.get("changes").forEach(c -> names.add(c.get("field").asText()));
        return names;
    }

    private void assertAudited(String type, String connection) {
        List<String> connections = new ArrayList<>();
        api.get(T + "/audit?type=" + type, team.auditor)
                .json()
                .get("events")
                .forEach(e -> connections.add(e.path("connection").asText()));
        assertThat(connections).as(type).contains(connection);
    }
}

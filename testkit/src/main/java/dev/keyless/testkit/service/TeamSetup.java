package dev.keyless.testkit.service;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.jwk.RSAKey;
import dev.keyless.testkit.JwksServer;
import dev.keyless.testkit.TestKeys;
import dev.keyless.testkit.TestTokens;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A team configured the way the README walks through it: a devops admin creates a GitHub Actions
 * connection against a loopback JWKS, a second security admin activates it, a role, a server and
 * a policy grant {@code wl_deployer} access.
 */
public final class TeamSetup implements AutoCloseable {
    public static final String TEAM = "acme";
    public static final String T = "/v1/teams/" + TEAM;
    public static final String AUDIENCE = "https://keyless.example.com";
    public static final String ISSUER = "https://token.actions.githubusercontent.com";

    public final Api api;
    public final JwksServer jwks;
    public final RSAKey signingKey;
    public final JwksServer jenkinsJwks;
    public final RSAKey jenkinsKey;
    public final String security;
    public final String securityTwo;
    public final String devops;
    public final String auditor;

    /** Admins for the team {@value #TEAM} of a service started with that bootstrap team and token. */
    public TeamSetup(java.net.URI service, String bootstrapToken) {
        this.api = new Api(service);
        this.signingKey = TestKeys.rsa("gh-key-1");
        this.jwks = new JwksServer("/.well-known/jwks", signingKey.toPublicJWK());
        this.jenkinsKey = TestKeys.rsa("jenkins-key-1");
        this.jenkinsJwks = new JwksServer("/oidc/jwks", jenkinsKey.toPublicJWK());
        this.security = bootstrapToken;
        this.securityTwo = admin("sec-two", "security_admin");
        this.devops = admin("ops", "devops_admin");
        this.auditor = admin("audit", "auditor");
    }

    private String admin(String name, String role) {
        Api.Response r = api.post(T + "/admins", security, Map.of("name", name, "role", role));
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        return r.json().get("token").asText();
    }

    public Map<String, Object> connectionSpec(String name) {
        return Map.of(
                "name", name,
                "provider", "github-actions",
                "jwks_uri", jwks.jwksUri(),
                "audiences", List.of(AUDIENCE),
                "required_claims", Map.of("repository_owner", "acme-corp"));
    }

    /** Creates (as devops) and activates (as the second security admin) a connection. */
    public void activeConnection(String name) {
        activeConnection(connectionSpec(name));
    }

    /** Creates (as devops) and activates (as the second security admin) the connection of this spec. */
    public void activeConnection(Map<String, Object> spec) {
        String name = (String) spec.get("name");
        Api.Response created = api.post(T + "/connections", devops, spec);
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        Api.Response activated = api.post(T + "/connections/" + name + "/activate", securityTwo, null);
        assertThat(activated.status()).as(activated.body()).isEqualTo(200);
    }

    /**
     * A GitLab connection whose instance is the loopback JWKS server ({@link #gitlabIssuer()}),
     * restricted to the fixture's {@code platform} namespace; its keys are the GitHub connection's.
     */
    public Map<String, Object> gitlabConnectionSpec(String name) {
        return Map.of(
                "name", name,
                "provider", "gitlab",
                "issuer", gitlabIssuer(),
                "jwks_uri", jwks.jwksUri(),
                "audiences", List.of(AUDIENCE),
                "required_claims", Map.of("namespace_path", "platform"));
    }

    /** A Jenkins (OIDC provider plugin) connection on the loopback JWKS server; its tokens have no jti. */
    public Map<String, Object> jenkinsConnectionSpec(String name) {
        return Map.of(
                "name", name,
                "provider", "jenkins",
                "issuer", jenkinsIssuer(),
                "jwks_uri", jwks.jwksUri(),
                "audiences", List.of(AUDIENCE));
    }

    /** The GitLab instance URL of {@link #gitlabConnectionSpec}: the JWKS server's issuer. */
    public String gitlabIssuer() {
        return jwks.issuer();
    }

    public String jenkinsIssuer() {
        return jwks.issuer() + "/oidc";
    }

    /** A GitLab-shaped {@code id_tokens} token for {@code audience} (fixture {@code gitlab}). */
    public String gitlabToken(String audience, Map<String, Object> overrides) {
        Map<String, Object> claims = TestTokens.claims("gitlab", gitlabIssuer(), audience, Instant.now());
        claims.putAll(overrides);
        return TestTokens.sign(claims, signingKey);
    }

    /** A Jenkins-shaped token (fixture {@code jenkins}: no {@code jti}). */
    public String jenkinsToken(Map<String, Object> overrides) {
        Map<String, Object> claims = TestTokens.claims("jenkins", jenkinsIssuer(), AUDIENCE, Instant.now());
        claims.putAll(overrides);
        return TestTokens.sign(claims, signingKey);
    }

    /** The same, naming the connection apart from its spec. */
    public void activeConnection(String name, Map<String, Object> spec) {
        Map<String, Object> named = new java.util.HashMap<>(spec);
        named.put("name", name);
        activeConnection(named);
    }

    public void role(String name, String connection, Map<String, Object> claims) {
        Api.Response r =
                api.post(T + "/roles", security, Map.of("name", name, "connection", connection, "claims", claims));
        assertThat(r.status()).as(r.body()).isEqualTo(201);
    }

    public void server(String name, int port, Map<String, String> labels) {
        Api.Response r = api.post(
                T + "/servers", devops, Map.of("name", name, "address", "127.0.0.1", "port", port, "labels", labels));
        assertThat(r.status()).as(r.body()).isEqualTo(201);
    }

    public void policy(String name, List<String> roles, Map<String, Object> servers, List<Map<String, Object>> sudo) {
        Api.Response r = api.post(
                T + "/policies",
                security,
                Map.of("name", name, "roles", roles, "servers", servers, "sudo", sudo, "session_ttl_seconds", 600));
        assertThat(r.status()).as(r.body()).isEqualTo(201);
    }

    /** The standard deployer setup on connection {@code github}. */
    public TeamSetup standard() {
        activeConnection("github");
        role("deployer", "github", Map.of("repository", "acme-corp/deploy-svc", "ref", "refs/heads/main"));
        server("web-01", 22, Map.of("env", "prod"));
        policy(
                "deploy",
                List.of("deployer"),
                Map.of("labels", Map.of("env", "prod")),
                List.of(Map.of("command", "/usr/bin/systemctl restart app")));
        return this;
    }

    /** A fresh GitHub-shaped token for the deploy repository, signed by the JWKS key. */
    public String githubToken() {
        return githubToken(Map.of());
    }

    public String githubToken(Map<String, Object> overrides) {
        Map<String, Object> claims = TestTokens.claims("github-actions", ISSUER, AUDIENCE, Instant.now());
        claims.put("jti", java.util.UUID.randomUUID().toString());
        claims.putAll(overrides);
        return TestTokens.sign(
                TestTokens.times(claims, Instant.now().minusSeconds(5), Duration.ofMinutes(5)), signingKey);
    }

    /**
     * A Jenkins issuer (the OIDC provider plugin's shape: issuer {@code <jenkins>/oidc}, keys at
     * {@code <issuer>/jwks}, RS256, no {@code jti}) on its own loopback JWKS server, and an active
     * connection {@code name} of provider {@code jenkins} for it. Tokens come from {@link
     * #jenkinsToken(String)}.
     */
    public void activeJenkinsConnection(String name) {
        activeConnection(
                name,
                Map.of(
                        "name",
                        name,
                        "provider",
                        "jenkins",
                        "issuer",
                        jenkinsOidcIssuer(),
                        "audiences",
                        List.of(AUDIENCE)));
    }

    /** {@code http://127.0.0.1:<port>/oidc} of the Jenkins JWKS server, keys at {@code <issuer>/jwks}. */
    public String jenkinsOidcIssuer() {
        return jenkinsJwks.issuer() + "/oidc";
    }

    /** A fresh token shaped like the Jenkins "OpenID Connect id token" credential's, for this job URL. */
    public String jenkinsToken(String jobUrl) {
        Map<String, Object> claims = TestTokens.claims("jenkins", jenkinsOidcIssuer(), AUDIENCE, Instant.now());
        claims.put("sub", jobUrl);
        return TestTokens.sign(
                TestTokens.times(claims, Instant.now().minusSeconds(5), Duration.ofMinutes(5)), jenkinsKey);
    }

    @Override
    public void close() {
        jenkinsJwks.close();
        jwks.close();
    }
}

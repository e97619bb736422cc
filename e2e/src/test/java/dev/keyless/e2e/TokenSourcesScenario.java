package dev.keyless.e2e;

import static dev.keyless.testkit.service.TeamSetup.AUDIENCE;
import static dev.keyless.testkit.service.TeamSetup.T;
import static org.assertj.core.api.Assertions.assertThat;

import dev.keyless.testkit.CommandResult;
import dev.keyless.testkit.LinuxUsers;
import dev.keyless.testkit.TestTokens;
import dev.keyless.testkit.service.TeamSetup;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The built {@code keyless} jar with the token sources {@link CliScenario} does not cover —
 * CircleCI, Kubernetes, the GCP metadata server and Azure DevOps — each with the environment its
 * platform gives a job and no {@code --token-source} (detection picks it), against the real service,
 * host agent and sshd. Tokens have each platform's claim shape ({@code fixtures/claims}) and issuer,
 * signed by the team's test key; each connection has its provider preset, the platform's issuer and
 * audience, and its keys pinned to the loopback JWKS server (the platforms' own key endpoints are
 * not reachable from a test). The GCP metadata server and Azure's OIDC endpoint are real loopback
 * HTTP servers that check what the real ones check.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TokenSourcesScenario {
    static final String CIRCLE_ROLE = "srccircle";
    static final String K8S_ROLE = "srck8s";
    static final String GCP_ROLE = "srcgcp";
    static final String AZURE_ROLE = "srcazure";
    static final List<String> WHOAMI = List.of("exec", "--server", "web-01", "--", "ssh", "web-01", "whoami");
    static final Duration TIMEOUT = Duration.ofSeconds(60);

    static final Map<String, Object> CIRCLE = TestTokens.fixture("circleci");
    static final Map<String, Object> K8S = TestTokens.fixture("kubernetes");
    static final Map<String, Object> AZURE = TestTokens.fixture("azure-devops");
    /** The organization id CircleCI puts in the issuer and, as the audience, in {@code aud}. */
    static final String CIRCLE_ORG_ID = (String) CIRCLE.get("aud");
    /** What the pod's projected volume asks for: {@code serviceAccountToken.audience}. */
    static final String K8S_AUDIENCE = AUDIENCE;
    /** Fixed by Azure DevOps for workload identity federation. */
    static final String AZURE_AUDIENCE = (String) AZURE.get("aud");

    static final String GCP_ISSUER = "https://accounts.google.com";
    static final String GCP_SERVICE_ACCOUNT = "ansible@acme-prod.iam.gserviceaccount.com";
    static final String AZURE_SERVICE_CONNECTION_SUBJECT = "sc://acme/deploy-svc/keyless-prod";

    Stack stack;
    TeamSetup team;
    Path tempRoot;
    final List<AutoCloseable> closeAfter = new ArrayList<>();

    @BeforeAll
    void start() throws Exception {
        stack = Stack.start(CIRCLE_ROLE, setup -> {
            setup.activeConnection(connection(setup, "circleci", "circleci", CIRCLE.get("iss"), CIRCLE_ORG_ID));
            setup.role(
                    CIRCLE_ROLE,
                    "circleci",
                    Map.of(
                            "oidc.circleci.com/project-id",
                            CIRCLE.get("oidc.circleci.com/project-id"),
                            "oidc.circleci.com/vcs-ref",
                            "refs/heads/main"));
        });
        team = stack.team;

        Map<String, Object> kubernetes = connection(team, "kubernetes", "kubernetes", K8S.get("iss"), K8S_AUDIENCE);
        // the kubelet rewrites a projected token at 80% of its life: the one in the file may be
        // most of an hour old
        kubernetes.put("max_token_age_seconds", 3600);
        team.activeConnection(kubernetes);
        stack.grant(
                K8S_ROLE,
                "kubernetes",
                Map.of("/kubernetes.io/namespace", "deploy", "/kubernetes.io/serviceaccount/name", "ansible-runner"));

        Map<String, Object> gcp = connection(team, "gcp", "gcp", GCP_ISSUER, AUDIENCE);
        gcp.put("required_claims", Map.of("email", "*@acme-prod.iam.gserviceaccount.com"));
        team.activeConnection(gcp);
        stack.grant(
                GCP_ROLE,
                "gcp",
                Map.of("email", GCP_SERVICE_ACCOUNT, "/google/compute_engine/project_id", "acme-prod"));

        team.activeConnection(connection(team, "azure", "azure", AZURE.get("iss"), AZURE_AUDIENCE));
        stack.grant(AZURE_ROLE, "azure", Map.of("sub", AZURE_SERVICE_CONNECTION_SUBJECT));
    }

    /** A connection with the platform's preset, issuer and audience, its keys pinned to the loopback JWKS. */
    static Map<String, Object> connection(
            TeamSetup setup, String name, String provider, Object issuer, String audience) {
        Map<String, Object> spec = new HashMap<>();
        spec.put("name", name);
        spec.put("provider", provider);
        spec.put("issuer", issuer);
        spec.put("jwks_uri", setup.jwks.jwksUri());
        spec.put("audiences", List.of(audience));
        return spec;
    }

    @BeforeEach
    void tempRoot() throws Exception {
        // short, like a runner's temp dir, so the agent socket fits in sun_path
        tempRoot = Files.createTempDirectory(Path.of("/tmp"), "kts");
    }

    @AfterEach
    void cleanUp() throws Exception {
        for (AutoCloseable c : closeAfter) {
            c.close();
        }
        closeAfter.clear();
        Stack.deleteTree(tempRoot);
    }

    @AfterAll
    void stop() {
        if (stack != null) {
            stack.close();
        }
    }

    // --- CircleCI

    @Test
    void circleCiTokenFromTheJobsVariable() throws Exception {
        String token = circleToken();
        Map<String, String> env = jobEnv("circleci");
        env.put("CI", "true");
        env.put("CIRCLECI", "true");
        env.put("CIRCLE_BRANCH", "main");
        env.put("CIRCLE_BUILD_NUM", "1287");
        env.put("CIRCLE_PROJECT_REPONAME", "deploy-svc");
        // CircleCI sets both; the v1 token has no vcs-ref claim, so the role accepts only v2
        env.put("CIRCLE_OIDC_TOKEN", circleV1Token());
        env.put("CIRCLE_OIDC_TOKEN_V2", token);
        CommandResult r = CliProcess.run(WHOAMI, env, TIMEOUT);
        assertRanAs(r, "wl_" + CIRCLE_ROLE, List.of(token, env.get("CIRCLE_OIDC_TOKEN")));
    }

    // --- Kubernetes

    @Test
    void kubernetesProjectedTokenWhereTheVariablePoints() throws Exception {
        String token = k8sToken(Instant.now().minus(Duration.ofMinutes(20)));
        Path file = projectedToken(token);
        CommandResult r = CliProcess.run(WHOAMI, k8sEnv(file), TIMEOUT);
        assertRanAs(r, "wl_" + K8S_ROLE, List.of(token));
    }

    /**
     * A projected volume without {@code audience:} gets the API server's audience: refused by the
     * audience check, and the hint points at the pod spec, not at {@code --audience}.
     */
    @Test
    void kubernetesTokenForTheApiServerIsRefusedNamingTheAudienceCheck() throws Exception {
        Instant now = Instant.now();
        Map<String, Object> claims =
                TestTokens.claims("kubernetes", (String) K8S.get("iss"), "https://kubernetes.default.svc", now);
        String token = TestTokens.sign(claims, team.signingKey);
        CommandResult r = CliProcess.run(WHOAMI, k8sEnv(projectedToken(token)), TIMEOUT);
        assertThat(r.exitCode()).as(r.stderr()).isEqualTo(3);
        assertThat(r.stderr().lines().findFirst().orElseThrow())
                .startsWith("keyless: refused: token-audience-mismatch")
                .contains(K8S_AUDIENCE);
        assertThat(r.stderr())
                .contains("hint: the audience of a projected token is set in the pod spec")
                .contains("serviceAccountToken.audience to '" + K8S_AUDIENCE + "'");
        assertThat(r.stdout()).isEmpty();
        assertNoSecret(r, List.of(token));
        assertThat(LinuxUsers.exists("wl_" + K8S_ROLE)).isFalse();
    }

    /**
     * The file is read again for every exchange attempt: the kubelet rotates it while the first
     * attempt fails (503 from a forwarder in front of the service), and the retry carries the new
     * token. The old one had been exchanged before, so a client that kept it would be refused as a
     * replay — which the middle run shows: one exchange per projected token, i.e. per rotation.
     */
    @Test
    void kubernetesTokenFileIsReReadForEachExchange() throws Exception {
        String old = k8sToken(Instant.now().minus(Duration.ofMinutes(30)));
        Path file = projectedToken(old);
        // an earlier run in this pod exchanged it
        stack.client.authenticate("kubernetes", old, null);

        CommandResult replayed = CliProcess.run(WHOAMI, k8sEnv(file), TIMEOUT);
        assertThat(replayed.exitCode()).as(replayed.stderr()).isEqualTo(3);
        assertThat(replayed.stderr()).contains("token-replayed");
        assertNoSecret(replayed, List.of(old));

        String rotated = k8sToken(Instant.now());
        FlakyForwarder flaky = new FlakyForwarder(
                stack.service.uri(),
                T + "/workload/authenticate",
                List.of(new FlakyForwarder.Failure(503, null)),
                () -> rotate(file, rotated));
        closeAfter.add(flaky);
        Map<String, String> env = k8sEnv(file);
        env.put("KEYLESS_SERVICE_URL", flaky.uri().toString());
        CommandResult r = CliProcess.run(WHOAMI, env, TIMEOUT);
        assertRanAs(r, "wl_" + K8S_ROLE, List.of(old, rotated));
        assertThat(flaky.seen).extracting(FlakyForwarder.Seen::status).containsExactly(503, 200);
    }

    // --- GCP

    @Test
    void gcpMetadataServerTokenForTheAudience() throws Exception {
        GcpMetadataServer metadata = gcpMetadata();
        CommandResult r = CliProcess.run(WHOAMI, gcpEnv(metadata, AUDIENCE), TIMEOUT);
        assertThat(metadata.requests).as(r.stderr()).containsExactly(new GcpMetadataServer.Request(AUDIENCE, "full"));
        assertRanAs(r, "wl_" + GCP_ROLE, metadata.issued);
    }

    @Test
    void gcpTokenForAnotherAudienceIsRefusedNamingTheAudienceCheck() throws Exception {
        GcpMetadataServer metadata = gcpMetadata();
        String wrong = "https://wrong.example.com";
        CommandResult r = CliProcess.run(WHOAMI, gcpEnv(metadata, wrong), TIMEOUT);
        assertThat(r.exitCode()).as(r.stderr()).isEqualTo(3);
        assertThat(r.stderr().lines().findFirst().orElseThrow())
                .startsWith("keyless: refused: token-audience-mismatch")
                .contains(AUDIENCE);
        assertThat(r.stderr()).contains("hint: the token was requested for audience '" + wrong + "'");
        assertThat(r.stdout()).isEmpty();
        assertThat(metadata.requests)
                .extracting(GcpMetadataServer.Request::audience)
                .containsExactly(wrong);
        assertNoSecret(r, metadata.issued);
        assertThat(LinuxUsers.exists("wl_" + GCP_ROLE)).isFalse();
    }

    // --- Azure DevOps

    @Test
    void azureDevOpsServiceConnectionToken() throws Exception {
        AzureOidcEndpoint endpoint = azureEndpoint();
        Map<String, String> env = azureEnv(endpoint);
        env.put("AZURESUBSCRIPTION_SERVICE_CONNECTION_ID", endpoint.serviceConnectionId);
        CommandResult r = CliProcess.run(WHOAMI, env, TIMEOUT);
        assertThat(endpoint.serviceConnections)
                .as(r.stderr())
                .containsExactly(Optional.of(endpoint.serviceConnectionId));
        List<String> secrets = new ArrayList<>(endpoint.issued);
        secrets.add(endpoint.accessToken);
        assertRanAs(r, "wl_" + AZURE_ROLE, secrets);
    }

    /** Without a service connection Azure mints the pipeline's own p:// token, which the sc:// role refuses. */
    @Test
    void azurePipelineTokenWithoutAServiceConnectionDoesNotMatchTheRole() throws Exception {
        AzureOidcEndpoint endpoint = azureEndpoint();
        CommandResult r = CliProcess.run(WHOAMI, azureEnv(endpoint), TIMEOUT);
        assertThat(endpoint.serviceConnections).as(r.stderr()).containsExactly(Optional.empty());
        assertThat(r.exitCode()).as(r.stderr()).isEqualTo(3);
        assertThat(r.stderr()).startsWith("keyless: refused: role-not-matched");
        List<String> secrets = new ArrayList<>(endpoint.issued);
        secrets.add(endpoint.accessToken);
        assertNoSecret(r, secrets);
        assertThat(LinuxUsers.exists("wl_" + AZURE_ROLE)).isFalse();
    }

    // --- helpers

    /** What every job has: the service, team and connection, a private temp dir; no audience. */
    Map<String, String> jobEnv(String connection) {
        Map<String, String> env = CliProcess.baseEnv();
        env.put("KEYLESS_SERVICE_URL", stack.service.uri().toString());
        env.put("KEYLESS_TEAM", TeamSetup.TEAM);
        env.put("KEYLESS_CONNECTION", connection);
        env.put("KEYLESS_TEMP_DIR", tempRoot.toString());
        return env;
    }

    String circleToken() {
        return TestTokens.sign(
                TestTokens.claims("circleci", (String) CIRCLE.get("iss"), CIRCLE_ORG_ID, Instant.now()),
                team.signingKey);
    }

    /** CircleCI's first token format: subject without the VCS part, no {@code vcs-origin}/{@code vcs-ref}. */
    String circleV1Token() {
        Map<String, Object> claims =
                TestTokens.claims("circleci", (String) CIRCLE.get("iss"), CIRCLE_ORG_ID, Instant.now());
        String sub = (String) claims.get("sub");
        claims.put("sub", sub.substring(0, sub.indexOf("/vcs-origin/")));
        claims.remove("oidc.circleci.com/vcs-origin");
        claims.remove("oidc.circleci.com/vcs-ref");
        return TestTokens.sign(claims, team.signingKey);
    }

    /** A projected service-account token written by the kubelet at {@code issuedAt}, valid one hour. */
    String k8sToken(Instant issuedAt) {
        Map<String, Object> claims = TestTokens.claims("kubernetes", (String) K8S.get("iss"), K8S_AUDIENCE, issuedAt);
        TestTokens.times(claims, issuedAt, Duration.ofHours(1));
        @SuppressWarnings("unchecked")
        Map<String, Object> k8s = new LinkedHashMap<>((Map<String, Object>) claims.get("kubernetes.io"));
        k8s.put("warnafter", issuedAt.plus(Duration.ofMinutes(48)).getEpochSecond());
        claims.put("kubernetes.io", k8s);
        return TestTokens.sign(claims, team.signingKey);
    }

    /** The token where the pod spec mounts it: not the default path, so only the variable finds it. */
    Path projectedToken(String token) throws IOException {
        Path file = Files.createTempDirectory(stack.dir, "sa-token").resolve("keyless");
        Files.writeString(file, token);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        return file;
    }

    /** As the kubelet does it: a new file moved into place. */
    static void rotate(Path file, String token) {
        try {
            Path next = Files.writeString(file.resolveSibling(".next"), token);
            Files.move(next, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    Map<String, String> k8sEnv(Path tokenFile) {
        Map<String, String> env = jobEnv("kubernetes");
        env.put("KUBERNETES_SERVICE_HOST", "10.96.0.1");
        env.put("KUBERNETES_SERVICE_PORT", "443");
        env.put("HOSTNAME", "ansible-runner-7d9f8c6b5-x2kqz");
        env.put("KEYLESS_KUBERNETES_TOKEN_FILE", tokenFile.toString());
        return env;
    }

    GcpMetadataServer gcpMetadata() throws IOException {
        GcpMetadataServer metadata = new GcpMetadataServer((audience, full) -> {
            Map<String, Object> claims = TestTokens.claims("gcp", GCP_ISSUER, audience, Instant.now());
            if (!full) {
                claims.keySet().removeAll(List.of("email", "email_verified", "google"));
            }
            return TestTokens.sign(claims, team.signingKey);
        });
        closeAfter.add(metadata);
        return metadata;
    }

    /** A VM whose metadata server is named by GCE_METADATA_HOST; the audience is the service's name. */
    Map<String, String> gcpEnv(GcpMetadataServer metadata, String audience) {
        Map<String, String> env = jobEnv("gcp");
        env.put("GCE_METADATA_HOST", metadata.host());
        env.put("KEYLESS_AUDIENCE", audience);
        return env;
    }

    AzureOidcEndpoint azureEndpoint() throws IOException {
        AzureOidcEndpoint endpoint = new AzureOidcEndpoint("acme", connection -> {
            Map<String, Object> claims =
                    TestTokens.claims("azure-devops", (String) AZURE.get("iss"), AZURE_AUDIENCE, Instant.now());
            if (connection.isEmpty()) {
                // the pipeline's own identity: p://<org>/<project>/<pipeline>, with run claims
                claims.put("sub", "p://acme/deploy-svc/deploy-svc");
                claims.put("rpo_ref", "refs/heads/main");
                claims.put("run_id", "4711");
            }
            return TestTokens.sign(claims, team.signingKey);
        });
        closeAfter.add(endpoint);
        return endpoint;
    }

    /** A script step with the job access token mapped in ({@code env: SYSTEM_ACCESSTOKEN: $(System.AccessToken)}). */
    Map<String, String> azureEnv(AzureOidcEndpoint endpoint) {
        Map<String, String> env = jobEnv("azure");
        env.put("TF_BUILD", "True");
        env.put("AGENT_TEMPDIRECTORY", tempRoot.toString());
        env.put("BUILD_BUILDID", "4711");
        env.put("SYSTEM_COLLECTIONURI", "https://dev.azure.com/acme/");
        env.put("SYSTEM_TEAMPROJECT", "deploy-svc");
        env.put("SYSTEM_OIDCREQUESTURI", endpoint.requestUri());
        env.put("SYSTEM_ACCESSTOKEN", endpoint.accessToken);
        return env;
    }

    void assertRanAs(CommandResult r, String user, Collection<String> secrets) throws Exception {
        CliScenario.assertRanAs(r, user, secrets, tempRoot);
    }

    static void assertNoSecret(CommandResult r, Collection<String> secrets) {
        CliScenario.assertNoSecret(r, secrets);
    }
}

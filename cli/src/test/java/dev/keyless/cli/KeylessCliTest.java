package dev.keyless.cli;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static dev.keyless.cli.FakeService.ACCESS_TOKEN;
import static dev.keyless.cli.FakeService.ADMIN_TOKEN;
import static dev.keyless.cli.FakeService.PLATFORM_TOKEN;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The CLI in-process with captured stdout/stderr against a WireMock service. */
class KeylessCliTest {
    private FakeService service;
    private final Map<String, String> env = new HashMap<>();

    @TempDir
    Path tmp;

    record Run(int exit, String out, String err) {
        String all() {
            return out + err;
        }
    }

    @BeforeEach
    void start() {
        service = new FakeService();
        env.put("PATH", System.getenv("PATH"));
        env.put("KEYLESS_SERVICE_URL", service.url());
        env.put("KEYLESS_CONNECTION", "github");
        env.put("MY_JWT", PLATFORM_TOKEN);
        env.put("KEYLESS_ADMIN_TOKEN", ADMIN_TOKEN);
        env.put("KEYLESS_TEMP_DIR", tmp.toString());
    }

    @AfterEach
    void stop() {
        service.close();
    }

    private Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = KeylessCli.run(args, env, new PrintWriter(out), new PrintWriter(err));
        Run run = new Run(exit, out.toString(), err.toString());
        // The rule for every test: no token ever reaches the output, except authenticate's stdout.
        assertThat(run.err()).doesNotContain(PLATFORM_TOKEN, ACCESS_TOKEN, ADMIN_TOKEN);
        assertThat(run.out()).doesNotContain(PLATFORM_TOKEN, ADMIN_TOKEN);
        return run;
    }

    static Stream<Arguments> usageErrors() {
        return Stream.of(
                Arguments.of("no subcommand", new String[] {}, "a subcommand is required"),
                Arguments.of("unknown option", new String[] {"exec", "--bogus", "--", "true"}, "Unknown option"),
                Arguments.of("exec without a command", new String[] {"exec", "--server", "web-01"}, "CMD"),
                Arguments.of("unknown subcommand", new String[] {"frobnicate"}, "frobnicate"),
                Arguments.of(
                        "unknown token source",
                        new String[] {"authenticate", "--token-source", "nope"},
                        "unknown token source"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("usageErrors")
    void usageErrorsExitWith2(String name, String[] args, String message) {
        Run r = run(args);
        assertThat(r.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.err()).contains(message);
    }

    @Test
    void missingAddressIsAConfigurationError() {
        env.remove("KEYLESS_SERVICE_URL");
        Run r = run("authenticate", "--jwt-env", "MY_JWT");
        assertThat(r.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.err()).contains("KEYLESS_SERVICE_URL");
    }

    @Test
    void oldAddressNamesStillWork() {
        String url = env.remove("KEYLESS_SERVICE_URL");
        env.put("KEYLESS_ADDR", url);
        assertThat(run("authenticate", "--jwt-env", "MY_JWT").exit()).isZero();
        env.remove("KEYLESS_ADDR");
        assertThat(run("authenticate", "--addr", url, "--jwt-env", "MY_JWT").exit())
                .isZero();
        assertThat(run("authenticate", "--service-url", url, "--jwt-env", "MY_JWT")
                        .exit())
                .isZero();
    }

    @Test
    void authenticatePrintsOnlyTheAccessToken() {
        Run r = run(
                "authenticate",
                "--team",
                "default",
                "--connection",
                "github",
                "--role-hint",
                "deployer",
                "--jwt-env",
                "MY_JWT",
                "--debug");
        assertThat(r.exit()).isZero();
        assertThat(r.out()).isEqualTo(ACCESS_TOKEN + System.lineSeparator());
        assertThat(r.err()).contains("debug: exchanged for role deployer");
        service.wm.verify(postRequestedFor(urlPathEqualTo("/v1/teams/default/workload/authenticate"))
                .withRequestBody(matchingJsonPath("$.role_hint", equalTo("deployer")))
                .withRequestBody(matchingJsonPath("$.token", equalTo(PLATFORM_TOKEN))));
    }

    /** The service refuses the exchange: the connection expects https://keyless.example.com. */
    private void refuseWithAudienceMismatch() {
        service.wm.stubFor(post(urlPathEqualTo("/v1/teams/default/workload/authenticate"))
                .willReturn(FakeService.problem(
                        401,
                        "{\"type\":\"urn:keyless:problem:token-audience-mismatch\",\"status\":401,"
                                + "\"check\":\"token-audience-mismatch\",\"detail\":\"The token's audience is not"
                                + " allowed\",\"claim\":\"aud\",\"expected\":\"https://keyless.example.com\"}")));
    }

    @Test
    void audienceMismatchOfAStaticTokenSaysToMintItForTheExpectedAudience() {
        refuseWithAudienceMismatch();
        Run r = run("authenticate", "--jwt-env", "MY_JWT", "--audience", "https://wrong.example.com");
        assertThat(r.exit()).isEqualTo(ExitCodes.REFUSED);
        assertThat(r.err().lines().findFirst().orElseThrow()).startsWith("keyless: refused: token-audience-mismatch");
        // keyless requested no audience for a token it was handed: the old hint said it had
        assertThat(r.err())
                .contains("mint it for 'https://keyless.example.com'")
                .doesNotContain("was requested for audience");
    }

    @Test
    void anUnknownTeamSaysSo() {
        service.wm.stubFor(post(urlPathEqualTo("/v1/teams/nope/workload/authenticate"))
                .willReturn(FakeService.problem(
                        404,
                        "{\"type\":\"urn:keyless:problem:not-found\",\"status\":404,"
                                + "\"detail\":\"No team named 'nope'\"}")));
        Run r = run("authenticate", "--jwt-env", "MY_JWT", "--team", "nope");
        assertThat(r.exit()).isEqualTo(ExitCodes.REFUSED);
        assertThat(r.err()).contains("hint: the team does not exist on this service", "--team / KEYLESS_TEAM");
    }

    private void refuseAdminToken(String path) {
        service.wm.stubFor(get(urlPathEqualTo(path))
                .willReturn(FakeService.problem(
                        401,
                        "{\"type\":\"urn:keyless:problem:admin-unauthenticated\",\"status\":401,"
                                + "\"detail\":\"The admin token is not valid for this team\"}")));
    }

    @Test
    void aTokenOfAnotherTeamSaysWhichTeamItIsFor() {
        refuseAdminToken("/v1/teams/default/roles");
        refuseAdminToken("/v1/teams");
        service.wm.stubFor(get(urlPathEqualTo("/v1/whoami"))
                .withHeader("Authorization", equalTo("Bearer " + ADMIN_TOKEN))
                .willReturn(FakeService.json("{\"team\":\"beta\",\"name\":\"alice\",\"role\":\"devops_admin\"}")));
        Run r = run("admin", "roles", "list");
        assertThat(r.exit()).isEqualTo(ExitCodes.REFUSED);
        assertThat(r.err())
                .contains("hint: this admin token belongs to team 'beta' (admin alice, devops_admin), not 'default':"
                        + " pass --team beta or set KEYLESS_TEAM=beta")
                .doesNotContain("the service's teams");
    }

    @Test
    void aTokenThatMayListTeamsGetsThemListed() {
        refuseAdminToken("/v1/teams/default/roles");
        refuseAdminToken("/v1/whoami");
        service.wm.stubFor(get(urlPathEqualTo("/v1/teams"))
                .willReturn(FakeService.json("[{\"name\":\"acme\"},{\"name\":\"beta\"}]")));
        Run r = run("admin", "roles", "list");
        assertThat(r.err()).contains("hint: this is the operator token", "the service's teams: acme, beta");
    }

    @Test
    void aTokenOfNoTeamSaysSoAndAnAdminCallOutsideATeamKeepsTheGeneralHint() {
        refuseAdminToken("/v1/teams/default/roles");
        refuseAdminToken("/v1/whoami");
        refuseAdminToken("/v1/teams");
        Run r = run("admin", "roles", "list");
        assertThat(r.err()).contains("hint: $KEYLESS_ADMIN_TOKEN holds no admin token of any team on this service");
        Run teams = run("admin", "teams", "list");
        assertThat(teams.exit()).isEqualTo(ExitCodes.REFUSED);
        assertThat(teams.err()).contains("hint: the admin token is not one of this team's");
    }

    @Test
    void httpsAgainstAPlainHttpPortSuggestsTheScheme() {
        env.put("KEYLESS_SERVICE_URL", service.url().replace("http://", "https://"));
        Run r = run("authenticate", "--jwt-env", "MY_JWT");
        assertThat(r.exit()).isEqualTo(ExitCodes.FAULT);
        assertThat(r.err()).contains("use an http:// --service-url", "--ca-bundle");
    }

    @Test
    void doctorWithoutAServiceUrlStillChecksTheTokenSourceAndSsh() {
        env.remove("KEYLESS_SERVICE_URL");
        Run r = run("doctor", "--jwt-env", "MY_JWT");
        assertThat(r.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.out())
                .contains("service:       NOT SET", "token source:", "sub:", "repo:acme/app", "clock skew:", "ssh:");
    }

    @Test
    void adminFiltersDoNotReadTheWorkloadsVariables() {
        env.put("KEYLESS_SERVERS", "web-01,web-02");
        service.wm.stubFor(get(urlPathEqualTo("/v1/teams/default/sessions")).willReturn(FakeService.json("[]")));
        Run r = run("admin", "sessions", "list");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("SESSION_ID", "(none)");
        service.wm.verify(com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor(
                        urlPathEqualTo("/v1/teams/default/sessions"))
                .withoutQueryParam("server"));
    }

    @Test
    void audienceMismatchOfAPlatformSetAudienceSaysWhereToSetIt() throws Exception {
        refuseWithAudienceMismatch();
        env.put("KUBERNETES_SERVICE_HOST", "10.96.0.1");
        env.put(
                "KEYLESS_KUBERNETES_TOKEN_FILE",
                Files.writeString(tmp.resolve("token"), PLATFORM_TOKEN).toString());
        Run r = run("authenticate", "--audience", "https://wrong.example.com");
        assertThat(r.exit()).isEqualTo(ExitCodes.REFUSED);
        assertThat(r.err().lines().findFirst().orElseThrow()).startsWith("keyless: refused: token-audience-mismatch");
        assertThat(r.err())
                .contains("hint: the audience of a projected token is set in the pod spec")
                .contains("serviceAccountToken.audience to 'https://keyless.example.com'")
                .doesNotContain("wrong.example.com")
                .doesNotContain("set --audience");
    }

    @Test
    void serverFaultExits4() {
        service.wm.stubFor(post(urlPathEqualTo("/v1/teams/default/workload/authenticate"))
                .willReturn(FakeService.problem(
                        503, "{\"type\":\"urn:keyless:problem:unavailable\",\"status\":503,\"request_id\":\"r-1\"}")));
        Run r = run("authenticate", "--jwt-env", "MY_JWT");
        assertThat(r.exit()).isEqualTo(ExitCodes.FAULT);
        assertThat(r.err()).contains("unavailable", "r-1");
    }

    @Test
    void unreachableServiceExits4() {
        env.put("KEYLESS_SERVICE_URL", "http://127.0.0.1:1");
        Run r = run("authenticate", "--jwt-env", "MY_JWT");
        assertThat(r.exit()).isEqualTo(ExitCodes.FAULT);
        assertThat(r.err()).contains("unreachable", "HTTPS_PROXY");
    }

    @Test
    void githubJobWithoutIdTokenPermissionGetsTheHint() {
        env.put("GITHUB_ACTIONS", "true");
        Run r = run("authenticate");
        assertThat(r.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.err()).contains("ACTIONS_ID_TOKEN_REQUEST_URL", "permissions: id-token: write", "forks");
    }

    @Test
    void gitlabJobWithoutIdTokensGetsTheHint() {
        env.put("GITLAB_CI", "true");
        Run r = run("authenticate");
        assertThat(r.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.err()).contains("id_tokens: { KEYLESS_ID_TOKEN");
    }

    @Test
    void execReturnsTheCommandsExitCodeAndClosesTheSession() throws Exception {
        env.put("KEYLESS_SERVERS", "web-01");
        Path marker = tmp.resolve("marker");
        Run r = run(
                "exec",
                "--jwt-env",
                "MY_JWT",
                "--debug",
                "--",
                "sh",
                "-c",
                "echo \"$SSH_AUTH_SOCK $KEYLESS_SSH_CONFIG\" > " + marker + "; exit 42");
        assertThat(r.exit()).isEqualTo(42);
        assertThat(Files.readString(marker)).contains("agent.sock", "ssh_config");
        service.wm.verify(postRequestedFor(urlPathEqualTo("/v1/teams/default/sessions/s-1/close")));
        assertThat(r.err())
                .contains("debug: certificate for web-01", "debug: session s-1 closed", "start to first command");
        try (Stream<Path> left = Files.list(tmp)) {
            assertThat(left).containsExactly(marker);
        }
    }

    @Test
    void sshRunsTheRealSshThroughTheWrapperAndReturnsItsCode() {
        // Nothing listens on the fake server's port 2222, so the real ssh fails to connect: 255.
        Run r = run("ssh", "--jwt-env", "MY_JWT", "web-01", "--", "true");
        assertThat(r.exit()).isEqualTo(255);
        service.wm.verify(postRequestedFor(urlPathEqualTo("/v1/teams/default/sessions/s-1/close")));
    }

    @Test
    void refusedCertificateExits3AndNamesThePolicy() {
        service.wm.stubFor(
                post(urlPathEqualTo("/v1/teams/default/ssh/certificates"))
                        .willReturn(
                                FakeService.problem(
                                        403,
                                        "{\"type\":\"urn:keyless:problem:policy-denied\",\"status\":403,\"detail\":\"No policy grants role deployer server db-01\"}")));
        Run r = run("exec", "--jwt-env", "MY_JWT", "--server", "db-01", "--", "true");
        assertThat(r.exit()).isEqualTo(ExitCodes.REFUSED);
        assertThat(r.err()).contains("policy-denied", "ask a security admin");
    }

    @Test
    void explainPrintsEachCheck() {
        service.wm.stubFor(post(urlPathEqualTo("/v1/teams/default/connections/github/test"))
                .withHeader("Authorization", equalTo("Bearer " + ADMIN_TOKEN))
                .willReturn(FakeService.json("{\"connection\":\"github\",\"valid\":true,\"checks\":["
                        + "{\"check\":\"token-audience\",\"passed\":true,\"detail\":\"aud allowed\"},"
                        + "{\"check\":\"role deployer: ref\",\"passed\":false,\"detail\":\"expected refs/heads/main\"}],"
                        + "\"matching_roles\":[]}")));
        Run r = run("explain", "--jwt-env", "MY_JWT");
        assertThat(r.exit()).isEqualTo(ExitCodes.REFUSED);
        assertThat(r.out())
                .contains("token accepted", "ok   token-audience", "FAIL role deployer: ref", "matching roles: none");
    }

    @Test
    void adminListsConnections() {
        service.wm.stubFor(get(urlPathEqualTo("/v1/teams/default/connections"))
                .withHeader("Authorization", equalTo("Bearer " + ADMIN_TOKEN))
                .willReturn(FakeService.json(
                        "[{\"name\":\"github\",\"provider\":\"github-actions\",\"state\":\"ACTIVE\"}]")));
        Run r = run("admin", "connections", "list");
        assertThat(r.exit()).isZero();
        assertThat(r.out().lines().toList())
                .containsExactly(
                        "NAME    PROVIDER        STATE   ISSUER  AUDIENCES",
                        "github  github-actions  ACTIVE  -       -");
        Run json = run("admin", "connections", "list", "--output", "json");
        assertThat(json.out()).contains("\"provider\" : \"github-actions\"");
    }

    @Test
    void auditFollowPrintsEachNewEventOnceUntilInterrupted() throws Exception {
        String page = "{\"events\":[{\"seq\":%d,\"type\":\"session.close\",\"outcome\":\"success\"}]}";
        service.wm.stubFor(get(urlPathEqualTo("/v1/teams/default/audit"))
                .withQueryParam("after_seq", com.github.tomakehurst.wiremock.client.WireMock.absent())
                .willReturn(FakeService.json(String.format(page, 1))));
        service.wm.stubFor(get(urlPathEqualTo("/v1/teams/default/audit"))
                .withQueryParam("after_seq", equalTo("1"))
                .willReturn(FakeService.json(String.format(page, 2))));
        service.wm.stubFor(get(urlPathEqualTo("/v1/teams/default/audit"))
                .withQueryParam("after_seq", equalTo("2"))
                .willReturn(FakeService.json("{\"events\":[]}")));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int[] exit = {-1};
        Thread follow = new Thread(() -> exit[0] = KeylessCli.run(
                new String[] {"admin", "audit", "events", "--follow", "--interval", "1"},
                env,
                new PrintWriter(out),
                new PrintWriter(err)));
        follow.start();
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (out.toString().lines().filter(l -> l.contains("session.close")).count() < 2
                && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        Thread.sleep(1_500);
        follow.interrupt();
        follow.join(10_000);
        assertThat(exit[0]).isEqualTo(130);
        assertThat(out.toString().lines().filter(l -> l.startsWith("SEQ"))).hasSize(1);
        assertThat(out.toString().lines().filter(l -> l.contains("session.close")))
                .hasSize(2);
    }

    @Test
    void doctorShowsClaimsAndSkewButNotTheToken() {
        service.wm.stubFor(get(urlPathEqualTo("/health")).willReturn(aResponse().withStatus(200)));
        Run r = run("doctor", "--jwt-env", "MY_JWT");
        assertThat(r.out())
                .contains("token source:", "jwt-env (variable MY_JWT)", "sub:", "repo:acme/app", "clock skew:", "ssh:");
    }

    @Test
    void doctorReadsTheKubernetesTokenWhereTheVariablePoints() throws Exception {
        service.wm.stubFor(get(urlPathEqualTo("/health")).willReturn(aResponse().withStatus(200)));
        Path token = Files.writeString(tmp.resolve("projected-token"), PLATFORM_TOKEN);
        env.put("KUBERNETES_SERVICE_HOST", "10.96.0.1");
        env.put("KEYLESS_KUBERNETES_TOKEN_FILE", token.toString());
        Run r = run("doctor");
        assertThat(r.out()).contains("kubernetes (file " + token + ")", "sub:", "repo:acme/app");
    }

    @Test
    void unrelatedKeylessVariablesAreNotFlags() {
        env.put("KEYLESS_VERSION", "1.2.3");
        env.put("KEYLESS_FILE", "/nonexistent");
        Run r = run("version");
        assertThat(r.exit()).isZero();
    }

    @Test
    void versionPrints() {
        Run r = run("version");
        assertThat(r.exit()).isZero();
        assertThat(r.out()).startsWith("keyless ");
    }
}

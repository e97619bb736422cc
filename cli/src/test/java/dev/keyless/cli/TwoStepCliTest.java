package dev.keyless.cli;

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

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The commands of the two-step flow in-process against a WireMock service: the access token from
 * {@code KEYLESS_TOKEN} is used and no exchange happens, {@code ansible-inventory} prints the JSON
 * Ansible expects, {@code scp} needs a remote argument, and {@code explain} works without an admin
 * token. The end-to-end proof against the real stack is {@code TwoStepScenario} and {@code
 * AnsibleScenario} in e2e.
 */
class TwoStepCliTest {
    static final String SERVERS =
            "[{\"name\":\"web-01\",\"labels\":{\"env\":\"prod\",\"tier\":\"web\"}},{\"name\":\"db-01\",\"labels\":{\"env\":\"prod\",\"k8s.io/zone\":\"1a\"}}]";

    private FakeService service;
    private final Map<String, String> env = new HashMap<>();

    @TempDir
    Path tmp;

    record Run(int exit, String out, String err) {}

    @BeforeEach
    void start() {
        service = new FakeService();
        env.put("PATH", System.getenv("PATH"));
        env.put("KEYLESS_ADDR", service.url());
        env.put("KEYLESS_CONNECTION", "github");
        env.put("MY_JWT", PLATFORM_TOKEN);
        env.put("KEYLESS_TEMP_DIR", tmp.toString());
        service.wm.stubFor(get(urlPathEqualTo("/v1/teams/default/workload/servers"))
                .withHeader("Authorization", equalTo("Bearer " + ACCESS_TOKEN))
                .willReturn(FakeService.json(SERVERS)));
    }

    @AfterEach
    void stop() {
        service.close();
    }

    private Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = KeylessCli.run(args, env, new PrintWriter(out), new PrintWriter(err));
        Run r = new Run(exit, out.toString(), err.toString());
        assertThat(r.out() + r.err()).doesNotContain(PLATFORM_TOKEN, ACCESS_TOKEN, ADMIN_TOKEN);
        return r;
    }

    @Test
    void ansibleInventoryUsesKeylessTokenWithoutAnExchange() throws Exception {
        env.put("KEYLESS_TOKEN", ACCESS_TOKEN);
        env.remove("KEYLESS_CONNECTION");
        Run r = run("ansible-inventory", "--list");
        assertThat(r.exit()).as(r.err()).isZero();
        JsonNode inv = new ObjectMapper().readTree(r.out());
        assertThat(inv.at("/all/hosts").toString()).isEqualTo("[\"web-01\",\"db-01\"]");
        assertThat(inv.at("/env_prod/hosts").toString()).isEqualTo("[\"db-01\",\"web-01\"]");
        assertThat(inv.at("/tier_web/hosts").toString()).isEqualTo("[\"web-01\"]");
        assertThat(inv.at("/k8s_io_zone_1a/hosts").toString()).isEqualTo("[\"db-01\"]");
        assertThat(inv.at("/_meta/hostvars/web-01/keyless_labels/tier").asText())
                .isEqualTo("web");
        service.wm.verify(0, postRequestedFor(urlPathEqualTo("/v1/teams/default/workload/authenticate")));
    }

    @Test
    void ansibleInventoryHostShowsOneHostsVariables() throws Exception {
        env.put("KEYLESS_TOKEN", ACCESS_TOKEN);
        Run r = run("ansible-inventory", "--host", "db-01");
        assertThat(new ObjectMapper()
                        .readTree(r.out())
                        .at("/keyless_labels/env")
                        .asText())
                .isEqualTo("prod");
        assertThat(run("ansible-inventory", "--host", "nope").out().strip()).isEqualTo("{}");
        assertThat(run("ansible-inventory").exit()).isEqualTo(ExitCodes.USAGE);
    }

    @Test
    void withoutKeylessTokenThePlatformTokenIsExchangedOnce() {
        Run r = run("ansible-inventory", "--list", "--jwt-env", "MY_JWT");
        assertThat(r.exit()).as(r.err()).isZero();
        service.wm.verify(1, postRequestedFor(urlPathEqualTo("/v1/teams/default/workload/authenticate")));
    }

    @Test
    void tokenEnvNamesAnotherVariable() {
        env.put("MY_AT", ACCESS_TOKEN);
        Run r = run("ansible-inventory", "--list", "--token-env", "MY_AT");
        assertThat(r.exit()).as(r.err()).isZero();
        service.wm.verify(0, postRequestedFor(urlPathEqualTo("/v1/teams/default/workload/authenticate")));
    }

    @Test
    void scpWithoutARemoteArgumentIsAUsageError() {
        Run r = run("scp", "a.txt", "b.txt");
        assertThat(r.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.err()).contains("SERVER:PATH");
    }

    @Test
    void scpWithTheRolesAccountAsksForThatRole() {
        Run r = run("scp", "--jwt-env", "MY_JWT", "a.txt", "wl_deployer@web-01:/tmp/");
        // Nothing listens on the fake server's port 2222: the real scp ran and could not connect.
        assertThat(r.err()).doesNotContain("keyless: usage");
        assertThat(r.exit()).isNotZero();
        service.wm.verify(postRequestedFor(urlPathEqualTo("/v1/teams/default/workload/authenticate"))
                .withRequestBody(matchingJsonPath("$.role_hint", equalTo("deployer"))));
    }

    @Test
    void scpAsAnotherAccountThanTheCertificatesIsRefusedBeforeScpRuns() {
        Run r = run("scp", "--jwt-env", "MY_JWT", "a.txt", "wl_ops@web-01:/tmp/");
        assertThat(r.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(r.err()).contains("certificate logs in as wl_deployer", "wl_deployer@web-01:");
        service.wm.verify(postRequestedFor(urlPathEqualTo("/v1/teams/default/sessions/s-1/close")));

        Run root = run("scp", "--jwt-env", "MY_JWT", "a.txt", "root@web-01:/tmp/");
        assertThat(root.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(root.err()).contains("'root@' cannot be");
        Run both = run("scp", "--jwt-env", "MY_JWT", "--role", "deployer", "a.txt", "wl_ops@web-01:/tmp/");
        assertThat(both.err()).contains("names role 'ops' but --role is 'deployer'");
    }

    @Test
    void explainWithoutAnAdminTokenAsksTheWorkloadEndpoint() {
        service.wm.stubFor(post(urlPathEqualTo("/v1/teams/default/workload/explain"))
                .withRequestBody(matchingJsonPath("$.role_hint", equalTo("deployer")))
                .willReturn(FakeService.json("{\"connection\":\"github\",\"ready\":false,\"checks\":["
                        + "{\"check\":\"signature\",\"passed\":true,\"detail\":\"the signature verifies\"},"
                        + "{\"check\":\"role:deployer\",\"passed\":false,\"detail\":\"claims that do not match: ref\"}],"
                        + "\"matching_roles\":[]}")));
        Run r = run("explain", "--jwt-env", "MY_JWT", "--role", "deployer");
        assertThat(r.exit()).isEqualTo(ExitCodes.REFUSED);
        assertThat(r.out()).contains("token REFUSED", "FAIL role:deployer", "claims that do not match: ref");
    }
}

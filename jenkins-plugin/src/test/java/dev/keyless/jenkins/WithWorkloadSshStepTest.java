package dev.keyless.jenkins;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

import com.cloudbees.plugins.credentials.CredentialsProvider;
import com.cloudbees.plugins.credentials.CredentialsScope;
import com.cloudbees.plugins.credentials.domains.Domain;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import hudson.model.Result;
import hudson.util.Secret;
import java.util.Base64;
import org.jenkinsci.plugins.plaincredentials.impl.StringCredentialsImpl;
import org.jenkinsci.plugins.workflow.cps.CpsFlowDefinition;
import org.jenkinsci.plugins.workflow.job.WorkflowJob;
import org.jenkinsci.plugins.workflow.job.WorkflowRun;
import org.junit.After;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.jvnet.hudson.test.JenkinsRule;

/**
 * The step in a real Jenkins (JenkinsRule) running a Pipeline job against the service's workload
 * endpoints played by WireMock: the block gets the ssh environment, the console holds no secret,
 * and the session is closed when the block succeeds or fails.
 */
public class WithWorkloadSshStepTest {
    static final String OIDC_TOKEN =
            "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJodHRwczovL2plbmtpbnMvam9iL2EvIn0.b2lkYy1zaWduYXR1cmU";
    static final String ACCESS_TOKEN = "eyJhbGciOiJFZERTQSJ9.eyJzdWIiOiJ3bF9kZXBsb3llciJ9.YWNjZXNzLXRva2Vu";
    static final String CERT = "ssh-ed25519-cert-v01@openssh.com "
            + Base64.getEncoder().encodeToString("not-a-real-certificate".getBytes()) + " keyless";

    @Rule
    public JenkinsRule j = new JenkinsRule();

    WireMockServer service;

    @Before
    public void startService() throws Exception {
        service = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
        service.start();
        service.stubFor(post(urlPathEqualTo("/v1/teams/acme/workload/authenticate"))
                .withRequestBody(matchingJsonPath("$.connection", equalTo("jenkins")))
                .willReturn(json("{\"access_token\":\"" + ACCESS_TOKEN + "\",\"token_type\":\"Bearer\","
                        + "\"expires_in\":300,\"role\":\"deployer\",\"principal\":\"wl_deployer\"}")));
        service.stubFor(post(urlPathEqualTo("/v1/teams/acme/ssh/certificates"))
                .willReturn(json("{\"session_id\":\"s-1\",\"certificate\":\"" + CERT + "\",\"principal\":\"wl_deployer\","
                        + "\"valid_after\":\"2026-01-01T00:00:00Z\",\"valid_before\":\"2036-01-01T00:00:00Z\","
                        + "\"server\":{\"name\":\"web-01\",\"address\":\"127.0.0.1\",\"port\":2222},"
                        + "\"host_ca_public_keys\":[\"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHostCa host-ca\"],"
                        + "\"state\":\"PENDING\"}")));
        service.stubFor(get(urlPathEqualTo("/v1/teams/acme/sessions/s-1"))
                .willReturn(json("{\"session_id\":\"s-1\",\"state\":\"READY\",\"server\":\"web-01\"}")));
        service.stubFor(post(urlPathMatching("/v1/teams/acme/sessions/.*/close"))
                .willReturn(json("{\"session_id\":\"s-1\",\"state\":\"CLOSED\"}")));
        CredentialsProvider.lookupStores(j.jenkins)
                .iterator()
                .next()
                .addCredentials(
                        Domain.global(),
                        new StringCredentialsImpl(
                                CredentialsScope.GLOBAL, "keyless-oidc", "OIDC id token", Secret.fromString(OIDC_TOKEN)));
    }

    @After
    public void stopService() {
        service.stop();
    }

    @Test
    public void theBlockGetsTheSshEnvironmentAndTheConsoleNoSecret() throws Exception {
        WorkflowRun run = run("""
                sh 'test -S "$SSH_AUTH_SOCK" && test -f "$KEYLESS_SSH_CONFIG" && echo "ssh is $(command -v ssh)"'
                sh 'echo "token=%s"'
                """.formatted(ACCESS_TOKEN), Result.SUCCESS);

        j.assertLogContains("ssh is ", run);
        j.assertLogContains("token=***", run);
        j.assertLogContains("keyless: sessions closed", run);
        j.assertLogNotContains(ACCESS_TOKEN, run);
        j.assertLogNotContains(OIDC_TOKEN, run);
        service.verify(postRequestedFor(urlPathEqualTo("/v1/teams/acme/sessions/s-1/close")));
    }

    @Test
    public void aFailingBlockStillClosesTheSessions() throws Exception {
        WorkflowRun run = run("sh 'exit 7'", Result.FAILURE);

        j.assertLogContains("keyless: sessions closed", run);
        service.verify(postRequestedFor(urlPathEqualTo("/v1/teams/acme/sessions/s-1/close")));
    }

    @Test
    public void aMissingCredentialFailsWithoutOpeningASession() throws Exception {
        WorkflowJob job = j.createProject(WorkflowJob.class, "missing");
        job.setDefinition(new CpsFlowDefinition(
                "node { withWorkloadSsh(serviceUrl: '" + service.baseUrl() + "', team: 'acme', connection: 'jenkins',"
                        + " role: 'deployer', servers: ['web-01'], credentialsId: 'nope') { echo 'never' } }",
                true));
        WorkflowRun run = j.buildAndAssertStatus(Result.FAILURE, job);

        j.assertLogContains("no string credential with id 'nope'", run);
        j.assertLogNotContains("never", run);
    }

    private WorkflowRun run(String block, Result expected) throws Exception {
        WorkflowJob job = j.createProject(WorkflowJob.class);
        job.setDefinition(new CpsFlowDefinition(
                "node { withWorkloadSsh(serviceUrl: '" + service.baseUrl() + "', team: 'acme', connection: 'jenkins',"
                        + " role: 'deployer', servers: ['web-01'], credentialsId: 'keyless-oidc') {\n" + block
                        + "\n} }",
                true));
        return j.buildAndAssertStatus(expected, job);
    }

    private static ResponseDefinitionBuilder json(String body) {
        return aResponse().withHeader("Content-Type", "application/json").withBody(body);
    }
}

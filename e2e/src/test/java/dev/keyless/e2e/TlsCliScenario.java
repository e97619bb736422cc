package dev.keyless.e2e;

import static dev.keyless.testkit.service.TeamSetup.AUDIENCE;
import static org.assertj.core.api.Assertions.assertThat;

import dev.keyless.testkit.CommandResult;
import dev.keyless.testkit.TestPki;
import dev.keyless.testkit.service.TeamSetup;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The real {@code keyless} jar against the service jar serving HTTPS from a PEM certificate and
 * key ({@code KEYLESS_TLS_CERT}, {@code KEYLESS_TLS_KEY}) issued by a private CA (openssl): with
 * the CA as {@code --ca-bundle} (or {@code KEYLESS_CA_BUNDLE}) a workload exchange and an admin
 * call get through; without it the CLI refuses the certificate with the one line that says what to
 * do, and never sends the platform token; plain HTTP to the TLS port gets nothing.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TlsCliScenario {
    static final Duration TIMEOUT = Duration.ofSeconds(90);

    Path dir;
    TestPki pki;
    SSLContext previous;
    ServiceProcess service;
    TeamSetup team;

    @BeforeAll
    void start() throws Exception {
        dir = Files.createTempDirectory("keyless-tls");
        pki = TestPki.create(dir);
        // This JVM's own clients (the health check, the admin set-up) trust the test CA too.
        previous = SSLContext.getDefault();
        SSLContext.setDefault(pki.trustingContext());
        Map<String, String> env = ServiceProcess.deploymentEnv();
        env.put("KEYLESS_TLS_CERT", pki.cert().toString());
        env.put("KEYLESS_TLS_KEY", pki.key().toString());
        service = ServiceProcess.start(dir, env);
        assertThat(service.uri().getScheme()).isEqualTo("https");
        team = new TeamSetup(service.uri(), service.bootstrapToken()).standard();
    }

    @AfterAll
    void stop() {
        if (team != null) {
            team.close();
        }
        if (service != null) {
            service.close();
        }
        if (previous != null) {
            SSLContext.setDefault(previous);
        }
        Stack.deleteTree(dir);
    }

    Map<String, String> job(String jwt) {
        Map<String, String> env = CliProcess.baseEnv();
        env.put("KEYLESS_SERVICE_URL", service.uri().toString());
        env.put("KEYLESS_TEAM", TeamSetup.TEAM);
        env.put("KEYLESS_CONNECTION", "github");
        env.put("KEYLESS_AUDIENCE", AUDIENCE);
        env.put("MY_JWT", jwt);
        return env;
    }

    @Test
    void withTheCaBundleTheCliExchangesOverHttps() {
        CommandResult r = CliProcess.run(
                List.of(
                        "authenticate",
                        "--jwt-env",
                        "MY_JWT",
                        "--role",
                        "deployer",
                        "--ca-bundle",
                        pki.ca().toString()),
                job(team.githubToken()),
                TIMEOUT);
        assertThat(r.exitCode()).as(r.stderr()).isZero();
        assertThat(r.stdout().strip()).matches("[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+");
    }

    @Test
    void theCaBundleMayComeFromTheEnvironmentForAdminCallsToo() {
        Map<String, String> env = job("unused");
        env.put("KEYLESS_CA_BUNDLE", pki.ca().toString());
        env.put("KEYLESS_ADMIN_TOKEN", service.bootstrapToken());
        CommandResult r = CliProcess.run(List.of("admin", "teams", "list"), env, TIMEOUT);
        assertThat(r.exitCode()).as(r.stderr()).isZero();
        assertThat(r.stdout()).contains(TeamSetup.TEAM);
    }

    @Test
    void withoutItTheCertificateIsRefusedAndTheTokenIsNotSpent() {
        String jwt = team.githubToken();
        CommandResult refused =
                CliProcess.run(List.of("authenticate", "--jwt-env", "MY_JWT", "--role", "deployer"), job(jwt), TIMEOUT);
        assertThat(refused.exitCode()).isNotZero();
        assertThat(refused.stdout()).isEmpty();
        assertThat(refused.stderr())
                .contains("the service's TLS certificate is not trusted: pass its CA with --ca-bundle")
                .doesNotContain(jwt);
        // The TLS handshake failed before any request: the same token is still good.
        CommandResult trusted = CliProcess.run(
                List.of(
                        "authenticate",
                        "--jwt-env",
                        "MY_JWT",
                        "--role",
                        "deployer",
                        "--ca-bundle",
                        pki.ca().toString()),
                job(jwt),
                TIMEOUT);
        assertThat(trusted.exitCode()).as(trusted.stderr()).isZero();
    }

    @Test
    void plainHttpToTheTlsPortGetsNoAnswer() {
        Map<String, String> env = job(team.githubToken());
        env.put("KEYLESS_SERVICE_URL", "http://127.0.0.1:" + service.port());
        CommandResult r = CliProcess.run(
                List.of(
                        "authenticate",
                        "--jwt-env",
                        "MY_JWT",
                        "--role",
                        "deployer",
                        "--ca-bundle",
                        pki.ca().toString()),
                env,
                TIMEOUT);
        assertThat(r.exitCode()).isNotZero();
        assertThat(r.stdout()).isEmpty();
    }
}

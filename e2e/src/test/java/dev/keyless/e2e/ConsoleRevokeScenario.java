package dev.keyless.e2e;

import static dev.keyless.e2e.HostAgentScenario.within;
import static dev.keyless.testkit.service.TeamSetup.T;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keyless.testkit.Commands;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.token.DefaultOAuth2TokenCallback;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The console's revoke, end to end: the service jar, the host agent jar and a real sshd (as in
 * {@link RevocationScenario}), a security admin signed in through a real OIDC provider
 * (mock-oauth2-server) in headless Chromium (Debian's {@code chromium} and {@code chromedriver};
 * skipped without them). A job's live {@code ssh … sleep 30} is cut within seconds of the click on
 * the Live sessions page, the audit trail names the admin who revoked it, and the Servers page shows
 * the real agent's status and version. Screenshots go to {@code target/console-screenshots/e2e/}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConsoleRevokeScenario {
    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    static final String ROLE = "cvrevoke";
    static final String IDP = "console-idp";
    static final String CLIENT = "keyless-console";

    Stack stack;
    MockOAuth2Server idp;
    WebDriver browser;
    WebDriverWait wait;
    Path shots;

    @BeforeAll
    void start() throws Exception {
        assumeTrue(
                Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
                "needs Debian's chromium and chromium-driver");
        java.util.logging.Logger.getLogger("org.openqa.selenium.devtools").setLevel(java.util.logging.Level.OFF);
        idp = new MockOAuth2Server();
        idp.start(InetAddress.getLoopbackAddress(), 0);
        stack = Stack.start(ROLE);
        Map<String, Object> sso = Map.of(
                "issuer",
                idp.issuerUrl(IDP).toString(),
                "client_id",
                CLIENT,
                "client_secret",
                "e2e-console-secret",
                "redirect_uri",
                stack.service.uri() + "/console/sso/callback",
                "roles_claim",
                "groups",
                "roles",
                Map.of("kl-security", "security_admin"));
        assertThat(stack.team.api.put(T + "/sso", stack.team.security, sso).status())
                .isEqualTo(200);
        assertThat(stack.team
                        .api
                        .post(T + "/sso/approve", stack.team.securityTwo, Map.of())
                        .status())
                .isEqualTo(200);

        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1400,1000");
        browser = new ChromeDriver(
                new ChromeDriverService.Builder()
                        .usingDriverExecutable(CHROMEDRIVER.toFile())
                        .usingAnyFreePort()
                        .build(),
                options);
        wait = new WebDriverWait(browser, Duration.ofSeconds(20));
        shots = Path.of("target", "console-screenshots", "e2e");
        Files.createDirectories(shots);

        idp.enqueueCallback(new DefaultOAuth2TokenCallback(
                IDP,
                "sam-subject",
                "JWT",
                List.of(CLIENT),
                Map.of("preferred_username", "sam", "groups", List.of("kl-security")),
                3600));
        browser.get(stack.service.uri() + "/console/login/acme");
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("who"), "Signed in as sam"));
    }

    @AfterAll
    void stop() {
        if (browser != null) {
            browser.quit();
        }
        if (stack != null) {
            stack.close();
        }
        if (idp != null) {
            idp.shutdown();
        }
    }

    @Test
    void aLiveSshConnectionIsCutOnTheRealSshdWhenRevokedFromTheLiveSessionsPage() throws Exception {
        Workload job = stack.job();
        assertThat(job.awaitReady()).as(stack.agent.log()).isEqualTo("READY");
        String session = job.certificate.sessionId();
        Process live = job.sshInBackground("sleep", "30");
        assertThat(within(
                        5_000,
                        () -> Commands.run(List.of("pgrep", "-u", stack.user, "-x", "sleep"))
                                        .exitCode()
                                == 0))
                .as("ssh session running")
                .isTrue();

        browser.get(stack.service.uri() + "/console/acme/sessions");
        By row = By.cssSelector("#sessions tr[data-session='" + session + "']");
        wait.until(ExpectedConditions.textToBePresentInElementLocated(row, "READY"));
        assertThat(browser.findElement(row).getText()).contains(ROLE, "web-01", stack.user);
        shot("e2e-10-sessions-live");
        browser.findElement(row)
                .findElement(By.xpath(".//button[text()='Revoke']"))
                .click();
        WebElement confirm = wait.until(ExpectedConditions.elementToBeClickable(
                By.xpath("//tr[@data-session='" + session + "']//button[text()='Confirm revoke']")));
        long clickedAt = System.nanoTime();
        confirm.click();

        assertThat(live.waitFor(5, TimeUnit.SECONDS))
                .as("the ssh connection is cut within 5 s of the click: " + stack.agent.log())
                .isTrue();
        long cutMillis = (System.nanoTime() - clickedAt) / 1_000_000;
        System.out.printf("TIMING console revoke click -> ssh ended: %d ms%n", cutMillis);
        assertThat(live.exitValue()).as("ssh did not end by itself").isNotZero();
        wait.until(ExpectedConditions.invisibilityOfElementLocated(row));
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("status"), "revoked"));
        shot("e2e-11-sessions-revoked");
        assertThat(job.ssh("true").exitCode())
                .as("the certificate no longer logs in")
                .isNotZero();

        JsonNode revoke = stack.team
                .api
                .get(T + "/audit?session=" + session + "&type=session.revoke", stack.team.auditor)
                .json()
                .get("events");
        assertThat(revoke.size()).isEqualTo(1);
        assertThat(revoke.get(0).get("actor_id").asText()).isEqualTo("sam");
        browser.get(stack.service.uri() + "/console/acme/audit?session=" + session);
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("events"), "session.revoke"));
        assertThat(browser.findElement(By.id("events")).getText()).contains("admin sam", "web-01");
        shot("e2e-12-audit-revoke");

        // The real agent's status, from its own signed requests.
        browser.get(stack.service.uri() + "/console/acme/servers");
        By server = By.cssSelector("#servers tr[data-server='web-01']");
        wait.until(ExpectedConditions.textToBePresentInElementLocated(server, "enrolled"));
        JsonNode agent = stack.team
                .api
                .get(T + "/servers/web-01", stack.team.auditor)
                .json()
                .get("agent");
        assertThat(agent.get("version").asText()).matches("[0-9]+\\.[0-9]+\\.[0-9]+.*");
        assertThat(browser.findElement(server).getText())
                .contains(agent.get("version").asText(), "ago");
        shot("e2e-13-servers-agent");
    }

    private void shot(String name) throws Exception {
        Files.write(shots.resolve(name + ".png"), ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
    }
}

package dev.keyless.service.it;

import static dev.keyless.testkit.service.TeamSetup.T;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.keyless.client.KeylessClient;
import dev.keyless.protocol.WorkloadRequests.AccessToken;
import dev.keyless.testkit.SshKeygen;
import dev.keyless.testkit.service.Api;
import dev.keyless.testkit.service.TeamSetup;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
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
 * The console pages in a real headless Chromium (Debian's {@code chromium} and {@code
 * chromedriver}; skipped when absent) against the real service on H2 and a real OIDC provider
 * (mock-oauth2-server): a security admin signs in, sees a workload's live session (exchange and
 * certificate), revokes it from the page and sees it gone; tests a token against a Draft
 * connection; mints an enrolment token that leaves the page once dismissed; reads the audit trail with the chain status. Screenshots go to {@code
 * target/console-screenshots/}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsoleBrowserIT {
    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    static final Path SHOTS = Path.of("target", "console-screenshots");
    /** Selenium warns that it has no DevTools binding for this Chromium; the test uses none. */
    static final java.util.logging.Logger CDP = java.util.logging.Logger.getLogger("org.openqa.selenium.devtools");

    RunningService service;
    TeamSetup team;
    Api api;
    MockOAuth2Server idp;
    WebDriver browser;
    WebDriverWait wait;
    String sessionId;

    @BeforeAll
    void start() throws Exception {
        assumeTrue(
                Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
                "needs Debian's chromium and chromium-driver");
        idp = new MockOAuth2Server();
        idp.start(InetAddress.getByName("127.0.0.1"), 0);
        service = RunningService.start(TestDatabase.H2);
        team = new TeamSetup(service.uri(), service.bootstrapToken()).standard();
        api = team.api;
        Map<String, Object> sso = Map.of(
                "issuer",
                idp.issuerUrl(SsoTests.IDP).toString(),
                "client_id",
                SsoTests.CLIENT,
                "client_secret",
                "console-client-secret",
                "redirect_uri",
                service.uri() + "/console/sso/callback",
                "roles_claim",
                "groups",
                "roles",
                Map.of("kl-security", "security_admin", "kl-devops", "devops_admin"));
        assertThat(api.put(T + "/sso", team.security, sso).status()).isEqualTo(200);
        assertThat(api.post(T + "/sso/approve", team.securityTwo, Map.of()).status())
                .isEqualTo(200);

        CDP.setLevel(java.util.logging.Level.OFF);
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1400,1300");
        ChromeDriverService driver = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort()
                .build();
        browser = new ChromeDriver(driver, options);
        wait = new WebDriverWait(browser, Duration.ofSeconds(15));
        Files.createDirectories(SHOTS);
    }

    @AfterAll
    void stop() throws Exception {
        if (browser != null) {
            browser.quit();
        }
        if (team != null) {
            team.close();
        }
        if (service != null) {
            service.close();
        }
        if (idp != null) {
            idp.shutdown();
        }
    }

    @Test
    @Order(1)
    void aSecurityAdminSignsInThroughTheIdentityProvider() throws Exception {
        idp.enqueueCallback(SsoTests.callback("sam-subject", "sam", List.of("kl-security")));
        browser.get(service.uri() + "/console");
        shot("0-sign-in");
        browser.findElement(By.id("team")).sendKeys("acme");
        browser.findElement(By.cssSelector("#signin button")).click();
        wait.until(ExpectedConditions.presenceOfElementLocated(By.id("who")));
        assertThat(browser.findElement(By.id("who")).getText()).contains("Signed in as sam");
        shot("1-landing");
    }

    @Test
    @Order(2)
    void aWorkloadsLiveSessionIsShownAndRevokedFromThePage() throws Exception {
        AccessToken access = KeylessClient.create(service.uri(), RunningService.TEAM)
                .authenticate("github", team.githubToken(), null);
        Path dir = Files.createTempDirectory("console-key");
        Path key = SshKeygen.generate(dir, "id", "ed25519", 0, "console");
        String pub = Files.readString(Path.of(key + ".pub")).trim();
        Api.Response cert =
                api.post(T + "/ssh/certificates", access.accessToken(), Map.of("server", "web-01", "public_key", pub));
        assertThat(cert.status()).as(cert.body()).isEqualTo(201);
        sessionId = cert.json().get("session_id").asText();

        browser.get(service.uri() + "/console/acme/sessions");
        By row = By.cssSelector("#sessions tr[data-session='" + sessionId + "']");
        WebElement tr = wait.until(ExpectedConditions.presenceOfElementLocated(row));
        wait.until(ExpectedConditions.textToBePresentInElementLocated(row, "acme-corp/deploy-svc"));
        tr = browser.findElement(row);
        assertThat(tr.getText()).contains("deployer", "web-01", "wl_deployer");
        shot("2-sessions");

        tr.findElement(By.xpath(".//button[text()='Revoke']")).click();
        WebElement confirm = wait.until(ExpectedConditions.elementToBeClickable(
                By.xpath("//tr[@data-session='" + sessionId + "']//button[text()='Confirm revoke']")));
        assertThat(browser.switchTo().activeElement())
                .as("the confirmation takes the focus")
                .isEqualTo(confirm);
        shot("3-sessions-confirm");
        confirm.click();
        wait.until(ExpectedConditions.invisibilityOfElementLocated(row));
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("status"), "0 live"));
        assertThat(browser.findElement(By.id("status")).getText()).contains("revoked");
        assertThat(browser.findElement(By.id("empty")).isDisplayed()).isTrue();
        shot("4-sessions-revoked");
        assertThat(api.get(T + "/sessions", team.security).json().size()).isZero();
    }

    @Test
    @Order(3)
    void aDraftConnectionTestsATokenAndShowsEachCheck() throws Exception {
        Api.Response draft = api.post(T + "/connections", team.devops, team.connectionSpec("draft-gh"));
        assertThat(draft.status()).as(draft.body()).isEqualTo(201);

        browser.get(service.uri() + "/console/acme/connections");
        By row = By.cssSelector("#connections tr[data-connection='draft-gh']");
        WebElement tr = wait.until(ExpectedConditions.presenceOfElementLocated(row));
        assertThat(tr.getText()).contains("DRAFT");
        assertThat(tr.findElements(By.xpath(".//button[text()='Activate']"))).hasSize(1);
        assertThat(browser.findElement(By.cssSelector("#connections tr[data-connection='github']"))
                        .getText())
                .contains("ACTIVE", "Deactivate");
        tr.findElement(By.xpath(".//button[text()='Test a token']")).click();
        String token = team.githubToken();
        browser.findElement(By.id("test-token")).sendKeys(token);
        browser.findElement(By.cssSelector("#test-form button")).click();
        wait.until(ExpectedConditions.presenceOfElementLocated(By.id("checks")));
        List<WebElement> checks = browser.findElements(By.cssSelector("#checks tr"));
        assertThat(checks.size()).isGreaterThan(2);
        assertThat(browser.findElement(By.id("report")).getText()).contains("passed");
        assertThat(browser.findElement(By.id("test-token")).getAttribute("value"))
                .as("the token is not kept on the page")
                .isEmpty();
        assertThat(browser.getPageSource()).doesNotContain(token);
        shot("5-connections-test");
    }

    @Test
    @Order(4)
    void anEnrolmentTokenIsShownOnceWithTheInstallCommandAndThenGone() throws Exception {
        browser.get(service.uri() + "/console/acme/servers");
        By row = By.cssSelector("#servers tr[data-server='web-01']");
        WebElement tr = wait.until(ExpectedConditions.presenceOfElementLocated(row));
        assertThat(tr.getText()).contains("env=prod");
        tr.findElement(By.xpath(".//button[text()='Mint enrolment token']")).click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("minted")));
        String install = browser.findElement(By.id("install")).getText();
        assertThat(install).contains("keyless-agent enroll", "--server web-01", "--team acme");
        String token =
                install.substring(install.indexOf("printf '%s' '") + 13, install.indexOf("' > ./enrolment-token"));
        assertThat(token).isNotBlank();
        assertThat(browser.switchTo().activeElement().getAttribute("id")).isEqualTo("dismiss");
        shot("6-servers-token");
        browser.findElement(By.id("dismiss")).click();
        wait.until(ExpectedConditions.invisibilityOfElementLocated(By.id("minted")));
        assertThat(browser.getPageSource())
                .as("no secret after its one-time display")
                .doesNotContain(token);
        shot("7-servers-dismissed");
    }

    @Test
    @Order(5)
    void theAuditPageShowsTheStoryAndTheChainStatus() throws Exception {
        browser.get(service.uri() + "/console/acme/audit?session=" + sessionId);
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("chain"), "Chain intact"));
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("status"), " shown"));
        String events = browser.findElement(By.id("events")).getText();
        assertThat(events).contains("session.revoke", "web-01");
        shot("8-audit-session");

        WebElement session = browser.findElement(By.id("a-session"));
        session.clear();
        WebElement type = browser.findElement(By.id("a-type"));
        type.sendKeys("admin.login");
        browser.findElement(By.cssSelector("#audit-filter button[type=submit]")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("events"), "sam"));
        assertThat(browser.findElement(By.id("events")).getText()).doesNotContain("session.revoke");
        shot("9-audit-logins");
    }

    void shot(String name) throws Exception {
        byte[] png = ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES);
        Files.write(SHOTS.resolve(name + ".png"), png);
    }
}

package dev.keyless.service.it;

import static dev.keyless.testkit.service.TeamSetup.T;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
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
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The console in a real headless Chromium (Debian's {@code chromium} and {@code chromedriver};
 * skipped when absent) against the real service and a real OIDC provider (mock-oauth2-server),
 * each admin in a browser of its own. A devops admin signs in, fails and then passes the
 * service's own validation, creates and tests a Draft and requests its activation; a security
 * admin in another browser reviews what the activation puts into effect and approves it, and
 * switches it off and on; the same person signed in twice is one admin and cannot approve its own
 * change; a call without the CSRF token, a revoked and an expired API token are refused; a
 * workload's live session is revoked from the page; an enrolment token is shown once; the audit
 * page tells the story. Screenshots go to {@code target/console-screenshots/<database>/}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
abstract class ConsoleBrowserTests {
    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    /** Selenium warns that it has no DevTools binding for this Chromium; the test uses none. */
    static final java.util.logging.Logger CDP = java.util.logging.Logger.getLogger("org.openqa.selenium.devtools");

    RunningService service;
    TeamSetup team;
    Api api;
    MockOAuth2Server idp;
    Path shots;
    /** The security admin sam's browser, and the devops admin dana's: two separate browser profiles. */
    Browser security;

    Browser devops;
    String sessionId;

    abstract TestDatabase database();

    /** One browser (its own profile, cookies and session) and its screenshots. */
    final class Browser implements AutoCloseable {
        final WebDriver driver;
        final WebDriverWait wait;
        final String who;

        Browser(String who) {
            ChromeOptions options = new ChromeOptions();
            options.setBinary(CHROMIUM.toFile());
            options.addArguments(
                    "--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1400,1300");
            ChromeDriverService driverService = new ChromeDriverService.Builder()
                    .usingDriverExecutable(CHROMEDRIVER.toFile())
                    .usingAnyFreePort()
                    .build();
            this.driver = new ChromeDriver(driverService, options);
            // The console re-renders its tables on every refresh: an element found in one poll can be
            // replaced before its text is read, which is a retry, not a failure.
            this.wait = new WebDriverWait(driver, Duration.ofSeconds(20));
            this.wait.ignoring(StaleElementReferenceException.class);
            this.who = who;
        }

        void get(String path) {
            driver.get(service.uri() + path);
        }

        WebElement find(By by) {
            return driver.findElement(by);
        }

        /** The element's text, read again if the page replaced the element between finding and reading it. */
        String text(By by) {
            return wait.until(d -> d.findElement(by).getText());
        }

        WebElement until(By by) {
            return wait.until(ExpectedConditions.presenceOfElementLocated(by));
        }

        void untilText(By by, String text) {
            wait.until(ExpectedConditions.textToBePresentInElementLocated(by, text));
        }

        WebElement button(String text) {
            return wait.until(ExpectedConditions.elementToBeClickable(
                    By.xpath("//button[normalize-space(text())='" + text + "']")));
        }

        void notBlank(By by) {
            wait.until(d -> !d.findElement(by).getText().isBlank());
        }

        /** Signs in through the identity provider as this person (mock-oauth2-server answers at once). */
        void signIn(String subject, String name, String group) {
            idp.enqueueCallback(SsoTests.callback(subject, name, List.of(group)));
            get("/console/login/acme");
            untilText(By.id("who"), "Signed in as " + name);
        }

        /** Runs an async script body in the page (same origin) and answers what it returns, as text. */
        String fetch(String script) {
            Object out = ((JavascriptExecutor) driver)
                    .executeAsyncScript("const done = arguments[arguments.length - 1];" + "(async () => {" + script
                            + "})().then(done, (e) => done('error ' + e));");
            return String.valueOf(out);
        }

        void shot(String name) throws Exception {
            byte[] png = ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES);
            Files.write(shots.resolve(name + ".png"), png);
        }

        @Override
        public void close() {
            driver.quit();
        }
    }

    @BeforeAll
    void start() throws Exception {
        assumeTrue(
                Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
                "needs Debian's chromium and chromium-driver");
        idp = new MockOAuth2Server();
        idp.start(InetAddress.getLoopbackAddress(), 0);
        service = RunningService.start(database());
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
        shots = Path.of("target", "console-screenshots", database().name().toLowerCase(java.util.Locale.ROOT));
        Files.createDirectories(shots);
        security = new Browser("sam");
        devops = new Browser("dana");
    }

    @AfterAll
    void stop() throws Exception {
        if (security != null) {
            security.close();
        }
        if (devops != null) {
            devops.close();
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
        security.get("/console");
        security.shot("00-sign-in");
        security.find(By.id("team")).sendKeys("acme");
        security.find(By.cssSelector("#signin button")).click();
        security.untilText(By.id("who"), "Signed in as sam");
        security.shot("01-landing");
    }

    @Test
    @Order(10)
    void aDevopsAdminCreatesADraftWithTheServicesOwnValidationAndTestsAToken() throws Exception {
        devops.signIn("dana-subject", "dana", "kl-devops");
        devops.get("/console/acme/connections");
        devops.button("New Draft connection").click();
        assertThat(devops.driver.switchTo().activeElement().getAttribute("id")).isEqualTo("c-name");
        devops.find(By.id("c-name")).sendKeys("Draft GH");
        devops.find(By.id("c-claims")).sendKeys("{\"ref\": [1, 2,]}");
        devops.find(By.id("save")).click();
        devops.untilText(By.id("c-claims-error"), "JSON");
        devops.find(By.id("c-claims")).clear();
        devops.find(By.id("c-claims")).sendKeys("{\"repository_owner\": \"acme-corp\"}");
        devops.find(By.id("save")).click();
        // The service's own problem messages, each under its field.
        devops.untilText(By.id("c-audiences-error"), "at least one audience is required");
        assertThat(devops.text(By.id("c-name-error"))).isNotBlank();
        assertThat(devops.find(By.id("c-name")).getAttribute("aria-invalid")).isEqualTo("true");
        devops.shot("10-connections-invalid");

        devops.find(By.id("c-name")).clear();
        devops.find(By.id("c-name")).sendKeys("draft-gh");
        devops.find(By.id("c-jwks")).sendKeys(team.jwks.jwksUri());
        devops.find(By.id("c-audiences")).sendKeys(TeamSetup.AUDIENCE);
        devops.find(By.id("save")).click();
        devops.untilText(By.id("detail-title"), "draft-gh");
        assertThat(devops.text(By.id("detail-title"))).contains("DRAFT");
        assertThat(devops.text(By.id("settings"))).contains(team.jwks.jwksUri(), "acme-corp");
        assertThat(devops.driver.findElements(By.xpath("//button[text()='Approve and activate']")))
                .isEmpty();

        String token = team.githubToken();
        devops.find(By.id("test-token")).sendKeys(token);
        devops.find(By.cssSelector("#test-form button")).click();
        devops.until(By.id("checks"));
        assertThat(devops.text(By.id("verdict")))
                .contains("passes all", "draft-gh's trust settings", "DRAFT: tokens are refused until it is ACTIVE");
        String checks = devops.text(By.id("checks"));
        for (String check : List.of("signature", "issuer", "audience", "required-claims")) {
            assertThat(checks).containsPattern("(?m)^" + check + " ✓ passed");
        }
        assertThat(checks).containsPattern("(?m)^connection-state ✗ failed");
        assertThat(devops.find(By.id("test-token")).getAttribute("value"))
                .as("the token is not kept on the page")
                .isEmpty();
        assertThat(devops.driver.getPageSource()).doesNotContain(token);
        devops.shot("11-connections-draft-tested");

        devops.button("Request activation").click();
        devops.untilText(By.id("workflow"), "Activation requested by dana");
        devops.untilText(By.id("outcome"), "done");
        assertThat(devops.text(By.id("workflow"))).contains("Waiting for a security admin");
        devops.shot("12-connections-activation-requested");
        JsonNode draft = api.get(T + "/connections/draft-gh", team.auditor).json();
        assertThat(draft.get("activation_request").get("requested_by").asText()).isEqualTo("dana");
    }

    @Test
    @Order(11)
    void aSecurityAdminInAnotherBrowserSeesWhatTheApprovalPutsIntoEffectAndApproves() throws Exception {
        security.get("/console/acme/connections?open=draft-gh");
        WebElement diff = security.until(By.id("approval-diff"));
        assertThat(diff.getText())
                .contains("What the approval puts into effect", "issuer", "jwks_uri", team.jwks.jwksUri())
                .contains("audiences", TeamSetup.AUDIENCE, "required_claims", "acme-corp");
        assertThat(security.find(By.cssSelector("#connections tr[data-connection='draft-gh']"))
                        .getText())
                .contains("activation requested");
        security.shot("13-connections-review");
        security.button("Approve and activate").click();
        security.untilText(By.id("outcome"), "done");
        assertThat(security.text(By.id("detail-title"))).contains("ACTIVE");
        assertThat(security.text(By.id("settings"))).contains("sam");
        security.shot("14-connections-approved");
        JsonNode active = api.get(T + "/connections/draft-gh", team.auditor).json();
        assertThat(active.get("state").asText()).isEqualTo("ACTIVE");
        assertThat(active.get("proposed_by").asText()).isEqualTo("dana");
        assertThat(active.get("approved_by").asText()).isEqualTo("sam");

        // Active -> Inactive (with a confirmation) -> Active again.
        security.button("Deactivate").click();
        WebElement confirm = security.button("Confirm deactivate");
        assertThat(security.driver.switchTo().activeElement()).isEqualTo(confirm);
        security.shot("15-connections-deactivate-confirm");
        confirm.click();
        security.untilText(By.id("detail-title"), "INACTIVE");
        security.button("Reactivate").click();
        security.untilText(By.id("outcome"), "Reactivation of draft-gh: done");
        assertThat(security.text(By.id("detail-title"))).doesNotContain("INACTIVE");
    }

    @Test
    @Order(12)
    void theSamePersonInTwoBrowsersIsOneAdminAndCannotApproveItsOwnChange() throws Exception {
        security.get("/console/acme/connections?open=github");
        security.button("Propose a change").click();
        WebElement audiences = security.find(By.id("c-audiences"));
        audiences.sendKeys(", https://other.example.com");
        assertThat(security.text(By.id("save"))).isEqualTo("Propose change");
        security.find(By.id("save")).click();
        WebElement diff = security.until(By.id("change-diff"));
        assertThat(diff.getText()).contains("audiences", "https://other.example.com");
        security.shot("16-connections-change-proposed");

        try (Browser again = new Browser("sam, second browser")) {
            again.signIn("sam-subject", "sam", "kl-security");
            again.get("/console/acme/connections?open=github");
            again.untilText(By.id("workflow"), "You proposed this change");
            again.button("Approve change").click();
            again.untilText(By.id("outcome"), "approver-is-proposer");
            again.shot("17-connections-own-change-refused");
            assertThat(again.text(By.id("status"))).contains("refused");
            again.button("Reject change").click();
            again.untilText(By.id("outcome"), "done");
            assertThat(again.driver.findElements(By.id("change-diff"))).isEmpty();
        }
        long sams = 0;
        for (JsonNode a : api.get(T + "/admins", team.security).json()) {
            sams += a.get("name").asText().startsWith("sam") ? 1 : 0;
        }
        assertThat(sams).as("two browser sessions, one admin").isEqualTo(1);
        JsonNode github = api.get(T + "/connections/github", team.auditor).json();
        assertThat(github.get("audiences").toString()).doesNotContain("other.example.com");
        assertThat(api.get(T + "/audit?type=connection.approval.refuse", team.auditor)
                        .body())
                .contains("\"actor_id\":\"sam\"", "approver-is-proposer");
    }

    @Test
    @Order(13)
    void aCallWithoutTheCsrfTokenAndRevokedOrExpiredApiTokensAreRefused() throws Exception {
        security.get("/console/acme/connections");
        assertThat(security.fetch("return document.cookie;")).doesNotContain("keyless_console");
        String noCsrf = security.fetch("const r = await fetch('/v1/teams/acme/connections/draft-gh/deactivate',"
                + " {method: 'POST', credentials: 'same-origin'}); return r.status + ' ' + await r.text();");
        assertThat(noCsrf).startsWith("403 ").contains("csrf-rejected");
        assertThat(api.get(T + "/connections/draft-gh", team.auditor)
                        .json()
                        .get("state")
                        .asText())
                .isEqualTo("ACTIVE");

        // sam's own API tokens, minted from the signed-in page (with the CSRF token), then used as bearer tokens.
        String mint = "const s = await (await fetch('/console/session')).json();"
                + "const post = (p, b) => fetch('/v1/teams/acme' + p, {method: 'POST', credentials: 'same-origin',"
                + " headers: {'Content-Type': 'application/json', 'X-CSRF-Token': s.csrf_token}, body: JSON.stringify(b)});"
                + "const bearer = async (t) => { const r = await fetch('/v1/teams/acme/connections',"
                + " {credentials: 'omit', headers: {Authorization: 'Bearer ' + t}}); return r.status + ' ' + await r.text(); };";
        String revoked = security.fetch(mint
                + "const t = await (await post('/admin-tokens', {name: 'nightly'})).json();"
                + "const before = await bearer(t.token);"
                + "await post('/admin-tokens/' + t.id + '/revoke', {});"
                + "return before.slice(0, 3) + ' | ' + await bearer(t.token);");
        assertThat(revoked).startsWith("200 | 401 ").contains("admin-token-revoked");
        String expired = security.fetch(mint
                + "const t = await (await post('/admin-tokens', {name: 'brief', expires_in_seconds: 1})).json();"
                + "await new Promise((r) => setTimeout(r, 1500));"
                + "return await bearer(t.token);");
        assertThat(expired).startsWith("401 ").contains("admin-token-expired");
    }

    @Test
    @Order(15)
    void aSecurityAdminWritesARoleAndAPolicyWithTheServicesValidationAndSeesWhichServersItReaches() throws Exception {
        security.get("/console/acme/policies");
        security.until(By.cssSelector("#roles tr[data-role='deployer']"));
        security.button("New role").click();
        // The editor opens once the connections for its select have arrived.
        security.wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("r-name")));
        security.find(By.id("r-name")).sendKeys("Web Deploy");
        security.find(By.id("r-claims")).sendKeys("{\"repository\": {\"nested\": true}}");
        security.find(By.id("role-save")).click();
        security.notBlank(By.id("r-name-error"));
        assertThat(security.find(By.id("r-name")).getAttribute("aria-invalid")).isEqualTo("true");
        security.find(By.id("r-name")).clear();
        security.find(By.id("r-name")).sendKeys("web-deploy");
        security.find(By.id("role-save")).click();
        security.untilText(By.id("r-claims-error"), "a condition must not be an object");
        assertThat(security.text(By.id("r-name-error"))).isBlank();
        security.shot("50-policies-role-invalid");
        security.find(By.id("r-claims")).clear();
        security.find(By.id("r-claims")).sendKeys("{\"repository\": \"acme-corp/*\"}");
        security.find(By.id("role-save")).click();
        security.untilText(By.cssSelector("#roles tr[data-role='web-deploy']"), "wl_web-deploy");

        security.button("New policy").click();
        security.find(By.id("p-name")).sendKeys("web-deploy");
        security.find(By.id("p-roles")).sendKeys("web-deploy");
        security.find(By.id("p-labels")).sendKeys("env=prod");
        security.button("Add sudo rule").click();
        assertThat(security.driver.switchTo().activeElement().getAttribute("id"))
                .as("a new rule takes the focus")
                .isEqualTo("p-sudo-0");
        security.driver.switchTo().activeElement().sendKeys("systemctl restart app");
        security.button("Which servers does it reach?").click();
        security.untilText(By.id("p-sudo-0-error"), "command must be an absolute path");
        assertThat(security.driver.findElements(By.id("reach-result"))).isEmpty();
        security.shot("51-policies-sudo-invalid");
        security.find(By.id("p-sudo-0")).clear();
        security.find(By.id("p-sudo-0")).sendKeys("/usr/bin/systemctl restart app");
        security.button("Which servers does it reach?").click();
        security.untilText(By.id("reach-result"), "web-01");
        assertThat(security.text(By.id("p-sudo-0-error"))).isBlank();
        security.shot("52-policies-preview");
        assertThat(api.get(T + "/policies/web-deploy", team.security).status())
                .as("a preview stores nothing")
                .isEqualTo(404);
        security.find(By.id("policy-save")).click();
        By row = By.cssSelector("#policies tr[data-policy='web-deploy']");
        security.untilText(row, "web-01");
        assertThat(security.text(row)).contains("labels: env=prod", "/usr/bin/systemctl restart app");
        security.shot("53-policies-saved");
        JsonNode policy = api.get(T + "/policies/web-deploy", team.security).json();
        assertThat(policy.get("servers").get("labels").get("env").asText()).isEqualTo("prod");
    }

    @Test
    @Order(16)
    void wildcardAndUnrestrictedSudoRulesAreWrittenFromTheFormWithTheServicesMessages() throws Exception {
        security.get("/console/acme/policies");
        By row = By.cssSelector("#policies tr[data-policy='web-deploy']");
        security.untilText(row, "web-01");
        security.find(row)
                .findElement(By.xpath(".//button[@aria-label='Edit policy web-deploy']"))
                .click();
        security.until(By.id("p-sudo-0"));
        assertThat(security.find(By.id("p-sudo-0")).getAttribute("value")).isEqualTo("/usr/bin/systemctl restart app");
        security.button("Add sudo rule").click();
        security.driver.switchTo().activeElement().sendKeys("/usr/bin/journalctl -u app *");
        security.button("Add sudo rule").click();
        security.driver.switchTo().activeElement().sendKeys("ALL");
        security.button("Add sudo rule").click();
        security.driver.switchTo().activeElement().sendKeys("/usr/bin/*");
        security.find(By.id("policy-save")).click();
        // Each rule's own message from the service, under its own row.
        security.untilText(By.id("p-sudo-1-error"), "needs allow_wildcards: true");
        assertThat(security.text(By.id("p-sudo-2-error"))).contains("ALL needs unrestricted: true");
        assertThat(security.text(By.id("p-sudo-3-error"))).contains("wildcards are not allowed in the command path");
        assertThat(security.text(By.id("p-sudo-0-error"))).isBlank();
        assertThat(security.find(By.id("p-sudo-1")).getAttribute("aria-invalid"))
                .isEqualTo("true");
        security.shot("54-policies-sudo-wildcards-invalid");

        // Ticking the flags (by keyboard) allows what the API allows; a glob path stays refused, and is removed.
        security.find(By.id("p-sudo-1-wildcards")).sendKeys(org.openqa.selenium.Keys.SPACE);
        security.find(By.id("p-sudo-2-unrestricted")).sendKeys(org.openqa.selenium.Keys.SPACE);
        security.find(By.id("p-sudo-3-wildcards")).sendKeys(org.openqa.selenium.Keys.SPACE);
        security.find(By.id("policy-save")).click();
        security.untilText(By.id("p-sudo-3-error"), "wildcards are not allowed in the command path");
        assertThat(security.text(By.id("p-sudo-1-error"))).isBlank();
        assertThat(security.text(By.id("p-sudo-2-error"))).isBlank();
        security.find(By.xpath("//button[@aria-label='Remove sudo rule 4']")).click();
        assertThat(security.driver.findElements(By.id("p-sudo-3"))).isEmpty();
        assertThat(security.driver.switchTo().activeElement().getAttribute("id"))
                .isEqualTo("p-sudo-2");
        security.shot("55-policies-sudo-wildcards-ticked");
        security.find(By.id("policy-save")).click();
        security.untilText(row, "/usr/bin/journalctl -u app *");
        assertThat(security.text(row)).contains("wildcards", "ALL", "unrestricted");
        security.shot("56-policies-sudo-wildcards-saved");
        JsonNode sudo =
                api.get(T + "/policies/web-deploy", team.security).json().get("sudo");
        assertThat(sudo.size()).isEqualTo(3);
        assertThat(sudo.get(1).get("command").asText()).isEqualTo("/usr/bin/journalctl -u app *");
        assertThat(sudo.get(1).get("allow_wildcards").asBoolean()).isTrue();
        assertThat(sudo.get(2).get("unrestricted").asBoolean()).isTrue();

        // Reopened, the form shows the flags as stored; removing ALL again leaves the rest as it was.
        security.find(row)
                .findElement(By.xpath(".//button[@aria-label='Edit policy web-deploy']"))
                .click();
        security.until(By.id("p-sudo-2"));
        assertThat(security.find(By.id("p-sudo-1-wildcards")).isSelected()).isTrue();
        assertThat(security.find(By.id("p-sudo-2-unrestricted")).isSelected()).isTrue();
        security.find(By.xpath("//button[@aria-label='Remove sudo rule 3']")).click();
        security.find(By.id("policy-save")).click();
        security.wait.until(d -> !d.findElement(row).getText().contains("unrestricted"));
        sudo = api.get(T + "/policies/web-deploy", team.security).json().get("sudo");
        assertThat(sudo.size()).isEqualTo(2);
        assertThat(sudo.get(1).get("allow_wildcards").asBoolean()).isTrue();
    }

    @Test
    @Order(17)
    void apiTokensAreListedCreatedOnceAndRevokedWithAConfirmation() throws Exception {
        devops.get("/console/acme/tokens");
        security.get("/console/acme/tokens");
        // sam's 'nightly' (revoked) and 'brief' (expired) from the earlier test, and the team's setup tokens.
        By nightly = By.xpath("//table[@id='tokens']//tr[td/b[text()='nightly']]");
        security.untilText(nightly, "revoked");
        assertThat(security.text(nightly)).contains("sam");
        security.untilText(By.id("policy"), "New tokens live 90 days");

        security.find(By.id("t-name")).sendKeys("Not A Name!");
        security.find(By.id("token-create")).click();
        security.notBlank(By.id("t-name-error"));
        assertThat(security.find(By.id("t-name")).getAttribute("aria-invalid")).isEqualTo("true");
        assertThat(security.find(By.id("created")).isDisplayed()).isFalse();
        security.shot("60-tokens-invalid");

        security.find(By.id("t-name")).clear();
        security.find(By.id("t-name")).sendKeys("deploy-bot");
        new org.openqa.selenium.support.ui.Select(security.find(By.id("t-lifetime"))).selectByVisibleText("7 days");
        security.find(By.id("t-name")).sendKeys(org.openqa.selenium.Keys.ENTER);
        security.wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("created")));
        String token = security.text(By.id("token-value"));
        assertThat(token).startsWith("kla_");
        assertThat(security.driver.switchTo().activeElement().getAttribute("id"))
                .isEqualTo("token-dismiss");
        By bot = By.xpath("//table[@id='tokens']//tr[td/b[text()='deploy-bot']]");
        security.untilText(bot, "active");
        assertThat(security.text(bot)).contains("sam", "never").doesNotContain(token);
        security.shot("61-tokens-created");
        assertThat(api.get(T + "/connections", token).status()).isEqualTo(200);
        security.driver.navigate().refresh();
        security.untilText(bot, "active");
        assertThat(security.driver.getPageSource())
                .as("no secret after its one-time display, not even on a reload")
                .doesNotContain(token);
        assertThat(security.text(bot)).as("last used").doesNotContain("never");

        security.find(bot).findElement(By.xpath(".//button[text()='Revoke']")).click();
        WebElement confirm = security.wait.until(ExpectedConditions.elementToBeClickable(
                By.xpath("//table[@id='tokens']//tr[td/b[text()='deploy-bot']]//button[text()='Confirm revoke']")));
        assertThat(security.driver.switchTo().activeElement()).isEqualTo(confirm);
        security.shot("62-tokens-confirm");
        confirm.sendKeys(org.openqa.selenium.Keys.ENTER);
        security.untilText(bot, "revoked");
        security.untilText(By.id("status"), "revoked");
        assertThat(api.get(T + "/connections", token).status()).isEqualTo(401);
        security.shot("63-tokens-revoked");

        // dana (devops) makes one of her own and sees only hers.
        devops.driver.navigate().refresh();
        devops.untilText(By.id("policy"), "New tokens live");
        devops.find(By.id("t-name")).sendKeys("dana-ci");
        devops.find(By.id("token-create")).click();
        devops.wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("created")));
        devops.button("I have copied it; remove it from the page").click();
        devops.wait.until(ExpectedConditions.invisibilityOfElementLocated(By.id("created")));
        assertThat(devops.fetch("return document.getElementById('token-value').textContent;"))
                .as("gone from the page, not just hidden")
                .isEmpty();
        devops.untilText(By.id("tokens"), "dana-ci");
        assertThat(devops.driver.findElements(By.cssSelector("#tokens tbody tr")))
                .hasSize(1);
        assertThat(devops.text(By.id("tokens"))).doesNotContain("deploy-bot", "nightly", "initial");
        devops.shot("64-tokens-devops");
    }

    @Test
    @Order(20)
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

        security.get("/console/acme/sessions");
        By row = By.cssSelector("#sessions tr[data-session='" + sessionId + "']");
        security.wait.until(ExpectedConditions.presenceOfElementLocated(row));
        security.wait.until(ExpectedConditions.textToBePresentInElementLocated(row, "acme-corp/deploy-svc"));
        WebElement tr = security.driver.findElement(row);
        assertThat(tr.getText()).contains("deployer", "web-01", "wl_deployer");
        security.shot("20-sessions");

        tr.findElement(By.xpath(".//button[text()='Revoke']")).click();
        WebElement confirm = security.wait.until(ExpectedConditions.elementToBeClickable(
                By.xpath("//tr[@data-session='" + sessionId + "']//button[text()='Confirm revoke']")));
        assertThat(security.driver.switchTo().activeElement())
                .as("the confirmation takes the focus")
                .isEqualTo(confirm);
        security.shot("21-sessions-confirm");
        confirm.click();
        security.wait.until(ExpectedConditions.invisibilityOfElementLocated(row));
        security.wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("status"), "0 live"));
        assertThat(security.driver.findElement(By.id("status")).getText()).contains("revoked");
        assertThat(security.driver.findElement(By.id("empty")).isDisplayed()).isTrue();
        security.shot("22-sessions-revoked");
        assertThat(api.get(T + "/sessions", team.security).json().size()).isZero();
    }

    @Test
    @Order(30)
    void anEnrolmentTokenIsShownOnceWithTheInstallCommandAndThenGoneAndTheAgentsStatusShows() throws Exception {
        security.get("/console/acme/servers");
        By row = By.cssSelector("#servers tr[data-server='web-01']");
        WebElement tr = security.wait.until(ExpectedConditions.presenceOfElementLocated(row));
        assertThat(tr.getText()).contains("env=prod", "not enrolled");
        tr.findElement(By.xpath(".//button[text()='Mint enrolment token']")).click();
        security.wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("minted")));
        String install = security.driver.findElement(By.id("install")).getText();
        assertThat(install).contains("keyless-agent enroll", "--server web-01", "--team acme");
        String token =
                install.substring(install.indexOf("printf '%s' '") + 13, install.indexOf("' > ./enrolment-token"));
        assertThat(token).isNotBlank();
        assertThat(security.driver.switchTo().activeElement().getAttribute("id"))
                .isEqualTo("dismiss");
        security.shot("30-servers-token");
        security.driver.findElement(By.id("dismiss")).click();
        security.wait.until(ExpectedConditions.invisibilityOfElementLocated(By.id("minted")));
        assertThat(security.driver.getPageSource())
                .as("no secret after its one-time display")
                .doesNotContain(token);
        security.shot("31-servers-dismissed");

        // The copied token enrols an agent (the protocol's stand-in; the real one is in e2e).
        TestAgent agent = TestAgent.enroll(service, "web-01", token, Files.createTempDirectory("console-agent"));
        agent.version = "0.0.2-test";
        assertThat(agent.call("GET", T + "/agents/sessions", null).status()).isEqualTo(200);
        security.get("/console/acme/servers");
        security.untilText(row, "0.0.2-test");
        assertThat(security.text(row))
                .contains("enrolled", "under a minute ago")
                .doesNotContain("not enrolled");
        WebElement seen = security.find(row).findElement(By.cssSelector("time"));
        assertThat(seen.getAttribute("datetime")).isNotBlank();
        security.shot("32-servers-agent");
    }

    @Test
    @Order(40)
    void theAuditPageShowsTheStoryAndTheChainStatus() throws Exception {
        security.get("/console/acme/audit?session=" + sessionId);
        security.wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("chain"), "Chain intact"));
        security.wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("status"), " shown"));
        String events = security.driver.findElement(By.id("events")).getText();
        assertThat(events).contains("session.revoke", "web-01");
        security.shot("40-audit-session");

        security.get("/console/acme/audit?limit=1000");
        security.untilText(By.id("status"), " shown");
        security.fetch("window.scrollTo(0, document.body.scrollHeight); return 'ok';");
        assertThat(security.text(By.id("events")))
                .as("the connection's story")
                .contains("connection.create", "connection.activation.request", "connection.activate")
                .contains("connection.approval.refuse", "connection.change.reject", "dana", "sam");
        security.shot("41-audit-connections");

        WebElement session = security.driver.findElement(By.id("a-session"));
        session.clear();
        WebElement type = security.driver.findElement(By.id("a-type"));
        type.sendKeys("admin.login");
        security.driver
                .findElement(By.cssSelector("#audit-filter button[type=submit]"))
                .click();
        // The page still shows the earlier, unfiltered events until the filtered ones arrive.
        security.wait.until(d -> !d.findElement(By.id("events")).getText().contains("session.revoke"));
        assertThat(security.driver.findElement(By.id("events")).getText()).contains("admin.login", "sam", "dana");
        security.shot("42-audit-logins");
    }
}

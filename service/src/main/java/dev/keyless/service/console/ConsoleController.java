package dev.keyless.service.console;

import dev.keyless.service.admin.AdminSession;
import dev.keyless.service.admin.ConsoleSessions;
import dev.keyless.service.name.Names;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.CookieValue;
import io.micronaut.http.annotation.Get;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** {@code /console}: pick the team and sign in; {@code /console/{team}/}: who is signed in, and logout. */
@Controller("/console")
@ExecuteOn(TaskExecutors.BLOCKING)
final class ConsoleController {
    private static final String SCRIPT = resource("/console/console.js");
    private static final String STYLE = resource("/console/console.css");
    private static final String CONNECTIONS = resource("/console/pages/connections.html");
    private static final String POLICIES = resource("/console/pages/policies.html");
    private static final String TOKENS = resource("/console/pages/tokens.html");

    private final ConsoleSessions sessions;

    ConsoleController(ConsoleSessions sessions) {
        this.sessions = sessions;
    }

    @Get(produces = MediaType.TEXT_HTML)
    HttpResponse<String> index() {
        return page(
                "Sign in",
                """
                <h1>Keyless console</h1>
                <form id="signin" action="/console/login" method="get">
                  <label for="team">Team</label>
                  <input id="team" name="team" required pattern="[a-z0-9][a-z0-9._-]{0,62}" autocomplete="organization">
                  <button type="submit">Sign in with your identity provider</button>
                </form>
                """);
    }

    @Get(value = "/{team}/", produces = MediaType.TEXT_HTML)
    HttpResponse<String> team(String team, @Nullable @CookieValue(ConsoleSessions.COOKIE) String cookie) {
        String t = Html.escape(Names.team("team", team));
        AdminSession s = sessions.live(cookie);
        if (s == null || !s.team().equals(team)) {
            return signInPage(t);
        }
        return page(
                "Team " + t,
                nav(t, "")
                        + "<h1>Team " + t + "</h1>"
                        + "<p id=\"who\">Signed in as <b>" + Html.escape(s.admin()) + "</b>; the session ends at "
                        + "<time datetime=\"" + s.expiresAt() + "\">" + s.expiresAt() + "</time> at the latest.</p>"
                        + "<ul class=\"cards\">"
                        + "<li><a href=\"/console/" + t
                        + "/sessions\">Live sessions</a>: who is on which server now; revoke.</li>"
                        + "<li><a href=\"/console/" + t
                        + "/connections\">Connections</a>: state, test a token, activate, approve.</li>"
                        + "<li><a href=\"/console/" + t
                        + "/policies\">Roles and policies</a>: who may go where, and which servers a policy"
                        + " reaches.</li>"
                        + "<li><a href=\"/console/" + t
                        + "/servers\">Servers</a>: labels, agent status, and an enrolment token for an agent.</li>"
                        + "<li><a href=\"/console/" + t
                        + "/tokens\">API tokens</a>: tokens for automation, who owns them, when they were"
                        + " last used; create and revoke.</li>"
                        + "<li><a href=\"/console/" + t
                        + "/audit\">Audit</a>: filter the trail, chain status, export.</li>"
                        + "</ul>"
                        + "<p>The admin API (<a href=\"/openapi.yml\">openapi.yml</a>) accepts this session too.</p>"
                        + "<button type=\"button\" id=\"logout\">Sign out</button>"
                        + "<p id=\"status\" role=\"status\" aria-live=\"polite\"></p>");
    }

    /** Live sessions: filled and refreshed by console.js from {@code GET …/sessions}. */
    @Get(value = "/{team}/sessions", produces = MediaType.TEXT_HTML)
    HttpResponse<String> sessionsPage(String team, @Nullable @CookieValue(ConsoleSessions.COOKIE) String cookie) {
        return signedIn(
                team,
                cookie,
                "sessions",
                "Live sessions",
                """
                <h1>Live sessions</h1>
                <p class="hint">Pending and ready SSH sessions; the list refreshes every 3 seconds.
                The run comes from the session's audit events (security admins and auditors).</p>
                <form id="session-filter" class="filters">
                  <div><label for="f-role">Role</label><input id="f-role" name="role"></div>
                  <div><label for="f-server">Server</label><input id="f-server" name="server"></div>
                  <div><button type="submit">Filter</button></div>
                </form>
                <p id="status" role="status" aria-live="polite"></p>
                <table id="sessions"><caption class="sr">Live sessions</caption><thead><tr>
                <th scope="col">Session</th><th scope="col">Role</th><th scope="col">Server</th>
                <th scope="col">Account</th><th scope="col">Run</th><th scope="col">Age</th>
                <th scope="col">Certificate ends</th><th scope="col">State</th><th scope="col">Action</th>
                </tr></thead><tbody></tbody></table>
                <p id="empty" hidden>No live sessions.</p>
                """);
    }

    /** Connections: list, create and edit drafts, test a token, request activation, review and approve. */
    @Get(value = "/{team}/connections", produces = MediaType.TEXT_HTML)
    HttpResponse<String> connectionsPage(String team, @Nullable @CookieValue(ConsoleSessions.COOKIE) String cookie) {
        return signedIn(team, cookie, "connections", "Connections", CONNECTIONS);
    }

    /** Roles and policies: create and edit with the service's own validation; which servers a policy reaches. */
    @Get(value = "/{team}/policies", produces = MediaType.TEXT_HTML)
    HttpResponse<String> policiesPage(String team, @Nullable @CookieValue(ConsoleSessions.COOKIE) String cookie) {
        return signedIn(team, cookie, "policies", "Roles and policies", POLICIES);
    }

    /** API tokens: list, create (the value shown once) and revoke with a confirmation. */
    @Get(value = "/{team}/tokens", produces = MediaType.TEXT_HTML)
    HttpResponse<String> tokensPage(String team, @Nullable @CookieValue(ConsoleSessions.COOKIE) String cookie) {
        return signedIn(team, cookie, "tokens", "API tokens", TOKENS);
    }

    /** Audit: filters over {@code GET …/audit}, the chain status and a JSON lines export. */
    @Get(value = "/{team}/audit", produces = MediaType.TEXT_HTML)
    HttpResponse<String> auditPage(String team, @Nullable @CookieValue(ConsoleSessions.COOKIE) String cookie) {
        return signedIn(
                team,
                cookie,
                "audit",
                "Audit",
                """
                <h1>Audit</h1>
                <p id="chain" role="status" aria-live="polite">Checking the chain…</p>
                <form id="audit-filter" class="filters">
                  <div><label for="a-since">Since (UTC)</label><input id="a-since" name="since" placeholder="e.g. 2026-12-01T00:00:00Z"></div>
                  <div><label for="a-until">Until (UTC)</label><input id="a-until" name="until"></div>
                  <div><label for="a-type">Type</label><input id="a-type" name="type" placeholder="e.g. session.revoke"></div>
                  <div><label for="a-role">Role</label><input id="a-role" name="role"></div>
                  <div><label for="a-server">Server</label><input id="a-server" name="server"></div>
                  <div><label for="a-session">Session</label><input id="a-session" name="session" class="long"></div>
                  <div><label for="a-run">Run id</label><input id="a-run" name="run"></div>
                  <div><label for="a-limit">At most</label><input id="a-limit" name="limit" type="number" min="1" max="1000" value="200"></div>
                  <div><button type="submit">Apply</button> <button type="button" id="export">Export JSON lines</button></div>
                </form>
                <p id="status" role="status" aria-live="polite"></p>
                <table id="events"><caption class="sr">Audit events</caption><thead><tr>
                <th scope="col">Seq</th><th scope="col">Time (UTC)</th><th scope="col">Type</th><th scope="col">Outcome</th>
                <th scope="col">Actor</th><th scope="col">Role</th><th scope="col">Server</th><th scope="col">Session</th>
                <th scope="col">Run</th><th scope="col">Reason</th></tr></thead><tbody></tbody></table>
                <p id="empty" hidden>No events match.</p>
                """);
    }

    /** Servers: labels, and an enrolment token per server shown once with the install command. */
    @Get(value = "/{team}/servers", produces = MediaType.TEXT_HTML)
    HttpResponse<String> serversPage(String team, @Nullable @CookieValue(ConsoleSessions.COOKIE) String cookie) {
        return signedIn(
                team,
                cookie,
                "servers",
                "Servers",
                """
                <h1>Servers</h1>
                <p class="hint">An enrolment token enrols one agent for one server within the hour; it is shown
                once, here, and leaves the page when you dismiss it or open another page. An agent's
                last call is recorded to the minute.</p>
                <p id="status" role="status" aria-live="polite"></p>
                <section id="minted" hidden aria-labelledby="minted-title" class="secret">
                  <h2 id="minted-title"></h2>
                  <p>Copy it now: the service does not show it again. On the server, as root:</p>
                  <pre id="install"></pre>
                  <button type="button" id="dismiss">I have copied it; remove it from the page</button>
                </section>
                <table id="servers"><caption class="sr">Servers</caption><thead><tr>
                <th scope="col">Name</th><th scope="col">Address</th><th scope="col">Labels</th>
                <th scope="col">Agent</th><th scope="col">Last seen</th><th scope="col">Agent version</th>
                <th scope="col">Added</th><th scope="col">Action</th></tr></thead><tbody></tbody></table>
                <p id="empty" hidden>No servers yet.</p>
                """);
    }

    private HttpResponse<String> signedIn(String team, String cookie, String pageName, String title, String body) {
        String t = Html.escape(Names.team("team", team));
        AdminSession s = sessions.live(cookie);
        if (s == null || !s.team().equals(team)) {
            return signInPage(t);
        }
        return page(
                title,
                "<div data-page=\"" + pageName + "\" data-team=\"" + t + "\" id=\"page\"></div>" + nav(t, pageName)
                        + body);
    }

    /** What every team page shows without a live session of that team: the way to sign in. */
    private static HttpResponse<String> signInPage(String escapedTeam) {
        return page(
                "Sign in",
                "<h1>Keyless console</h1><p>You are not signed in to team <b>" + escapedTeam + "</b>.</p>"
                        + "<p><a class=\"button\" href=\"/console/login/" + escapedTeam + "\">Sign in</a></p>");
    }

    private static String nav(String t, String current) {
        StringBuilder b = new StringBuilder("<nav aria-label=\"Console\"><a href=\"/console/" + t + "/\""
                + ("".equals(current) ? " aria-current=\"page\"" : "") + ">Team " + t + "</a>");
        for (String[] p : new String[][] {
            {"sessions", "Live sessions"},
            {"connections", "Connections"},
            {"policies", "Roles and policies"},
            {"servers", "Servers"},
            {"tokens", "API tokens"},
            {"audit", "Audit"}
        }) {
            b.append("<a href=\"/console/").append(t).append('/').append(p[0]).append('"');
            if (p[0].equals(current)) {
                b.append(" aria-current=\"page\"");
            }
            b.append('>').append(p[1]).append("</a>");
        }
        return b.append("</nav>").toString();
    }

    @Get(value = "/assets/console.js", produces = "text/javascript")
    HttpResponse<String> script() {
        return HttpResponse.ok(SCRIPT).header("Cache-Control", "no-cache");
    }

    @Get(value = "/assets/console.css", produces = "text/css")
    HttpResponse<String> style() {
        return HttpResponse.ok(STYLE).header("Cache-Control", "no-cache");
    }

    private static HttpResponse<String> page(String title, String body) {
        return HttpResponse.ok("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">"
                        + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
                        + "<title>" + title + " · Keyless</title>"
                        + "<link rel=\"stylesheet\" href=\"/console/assets/console.css\">"
                        + "<script src=\"/console/assets/console.js\" defer></script></head>"
                        + "<body><main>" + body + "</main></body></html>")
                .header("Cache-Control", "no-store")
                .header(
                        "Content-Security-Policy",
                        "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; form-action 'self';"
                                + " frame-ancestors 'none'; base-uri 'none'")
                .header("X-Content-Type-Options", "nosniff")
                .header("Referrer-Policy", "no-referrer");
    }

    private static String resource(String name) {
        try (InputStream in = ConsoleController.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException(name + " is not in the service jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

package dev.keyless.service.console;

import dev.keyless.service.admin.AdminSession;
import dev.keyless.service.admin.ConsoleSessions;
import dev.keyless.service.policy.Names;
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
            return page(
                    "Sign in",
                    "<h1>Keyless console</h1><p>You are not signed in to team <b>" + t + "</b>.</p>"
                            + "<p><a class=\"button\" href=\"/console/login/" + t + "\">Sign in</a></p>");
        }
        return page(
                "Team " + t,
                "<h1>Team " + t + "</h1>"
                        + "<p id=\"who\">Signed in as <b>" + Html.escape(s.admin()) + "</b>; the session ends at "
                        + "<time datetime=\"" + s.expiresAt() + "\">" + s.expiresAt() + "</time> at the latest.</p>"
                        + "<p>The console's governance pages are not built yet; the admin API "
                        + "(<a href=\"/openapi.yml\">openapi.yml</a>) accepts this session.</p>"
                        + "<button type=\"button\" id=\"logout\">Sign out</button>"
                        + "<p id=\"status\" role=\"status\" aria-live=\"polite\"></p>");
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

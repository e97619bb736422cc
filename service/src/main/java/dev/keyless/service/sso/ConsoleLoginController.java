package dev.keyless.service.sso;

import dev.keyless.protocol.ProblemType;
import dev.keyless.protocol.SsoRequests.ConsoleSession;
import dev.keyless.service.admin.AdminSession;
import dev.keyless.service.admin.ConsoleSessions;
import dev.keyless.service.name.Names;
import dev.keyless.service.observability.ClientAddress;
import dev.keyless.service.problem.KeylessException;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.CookieValue;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Header;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.http.cookie.Cookie;
import io.micronaut.http.cookie.SameSite;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import java.time.Duration;

/**
 * The console's sign-in through the team's SSO, its session cookie, and logout. The callback
 * answers a small page that moves on to the console, rather than a redirect: a SameSite=Strict
 * cookie is not sent on a redirect chain that a cross-site provider started.
 */
@Controller("/console")
@ExecuteOn(TaskExecutors.BLOCKING)
final class ConsoleLoginController {
    private final SsoService sso;
    private final ConsoleSessions sessions;

    ConsoleLoginController(SsoService sso, ConsoleSessions sessions) {
        this.sso = sso;
        this.sessions = sessions;
    }

    /** The sign-in form's target without script. */
    @Get("/login")
    HttpResponse<?> loginForm(@QueryValue String team) {
        return HttpResponse.seeOther(java.net.URI.create("/console/login/" + Names.team("team", team)));
    }

    @Get("/login/{team}")
    HttpResponse<?> login(String team) {
        return HttpResponse.seeOther(sso.begin(Names.team("team", team)));
    }

    @Get(value = "/sso/callback", produces = MediaType.TEXT_HTML)
    HttpResponse<String> callback(
            @Nullable @QueryValue String code,
            @Nullable @QueryValue String state,
            @Nullable @QueryValue String error,
            HttpRequest<?> request) {
        ConsoleSessions.Started started = sso.complete(code, state, error, ClientAddress.of(request));
        String next = "/console/" + started.session().team() + "/";
        return HttpResponse.ok("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">"
                        + "<meta http-equiv=\"refresh\" content=\"0;url=" + next + "\"><title>Signed in</title></head>"
                        + "<body><p>Signed in. <a href=\"" + next + "\">Continue to the console</a>.</p></body></html>")
                .cookie(cookie(started.cookie(), sessions.maxAge()))
                .header("Cache-Control", "no-store");
    }

    @Get("/session")
    ConsoleSession session(@Nullable @CookieValue(ConsoleSessions.COOKIE) String cookie) {
        AdminSession s = sessions.live(cookie);
        if (s == null) {
            throw new KeylessException(ProblemType.ADMIN_UNAUTHENTICATED, "No console session; sign in");
        }
        return sessions.describe(cookie, s);
    }

    @Post("/logout")
    HttpResponse<?> logout(
            @Nullable @CookieValue(ConsoleSessions.COOKIE) String cookie,
            @Nullable @Header(ConsoleSessions.CSRF_HEADER) String csrf,
            HttpRequest<?> request) {
        sessions.end(cookie, csrf, ClientAddress.of(request));
        return HttpResponse.noContent().cookie(cookie("", Duration.ZERO));
    }

    private static Cookie cookie(String value, Duration maxAge) {
        return Cookie.of(ConsoleSessions.COOKIE, value)
                .httpOnly(true)
                .secure(true)
                .sameSite(SameSite.Strict)
                .path("/")
                .maxAge(maxAge);
    }
}

package dev.keyless.service.admin;

import dev.keyless.service.caller.AdminPrincipal;
import dev.keyless.service.caller.PathTeam;
import dev.keyless.service.observability.ClientAddress;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.annotation.RequestFilter;
import io.micronaut.http.annotation.ServerFilter;
import io.micronaut.http.cookie.Cookie;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.web.router.MethodBasedRouteInfo;
import io.micronaut.web.router.RouteAttributes;
import io.micronaut.web.router.RouteInfo;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Authenticates the admin of every route that takes an {@link AdminPrincipal} (a bearer admin
 * token, or the console's session cookie with its CSRF token), before the route runs and on the
 * blocking executor: the check reads (and now and then writes) the database, which
 * must never happen on Netty's event loop. The principal goes into a request attribute, where
 * {@link AdminPrincipalBinder} finds it; a refusal is the filter's exception, answered as a
 * problem like any other.
 */
@ServerFilter("/v1/teams/**")
final class AdminAuthentication {
    static final String ATTRIBUTE = "keyless.admin";

    private final AdminService admins;
    private final ConsoleSessions sessions;
    private final Map<RouteInfo<?>, Boolean> takesAdmin = new ConcurrentHashMap<>();

    AdminAuthentication(AdminService admins, ConsoleSessions sessions) {
        this.admins = admins;
        this.sessions = sessions;
    }

    @RequestFilter
    @ExecuteOn(TaskExecutors.BLOCKING)
    void authenticate(HttpRequest<?> request) {
        RouteInfo<?> route = RouteAttributes.getRouteInfo(request).orElse(null);
        if (route == null || !takesAdmin.computeIfAbsent(route, AdminAuthentication::takesAdmin)) {
            return;
        }
        String team = PathTeam.of(request);
        String authorization = request.getHeaders().get(HttpHeaders.AUTHORIZATION);
        Cookie cookie = request.getCookies().get(ConsoleSessions.COOKIE);
        // A bearer token wins: scripts send no cookie, and a browser sends no Authorization header.
        AdminPrincipal principal = authorization == null && cookie != null
                ? sessions.authenticate(
                        team,
                        cookie.getValue(),
                        request.getMethod(),
                        request.getHeaders().get(ConsoleSessions.CSRF_HEADER))
                : admins.authenticate(team, authorization);
        request.setAttribute(ATTRIBUTE, principal.from(ClientAddress.of(request)));
    }

    private static boolean takesAdmin(RouteInfo<?> route) {
        return route instanceof MethodBasedRouteInfo<?, ?> m
                && Arrays.stream(m.getTargetMethod().getArguments()).anyMatch(a -> a.getType() == AdminPrincipal.class);
    }

    static @Nullable AdminPrincipal of(HttpRequest<?> request) {
        return request.getAttribute(ATTRIBUTE, AdminPrincipal.class).orElse(null);
    }
}

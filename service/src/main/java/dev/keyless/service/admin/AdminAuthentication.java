package dev.keyless.service.admin;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.annotation.RequestFilter;
import io.micronaut.http.annotation.ServerFilter;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.web.router.MethodBasedRouteInfo;
import io.micronaut.web.router.RouteAttributes;
import io.micronaut.web.router.RouteInfo;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Authenticates the admin of every route that takes an {@link AdminPrincipal}, before the route runs and on the
 * blocking executor: the check reads (and now and then writes) the database, which
 * must never happen on Netty's event loop. The principal goes into a request attribute, where
 * {@link AdminPrincipalBinder} finds it; a refusal is the filter's exception, answered as a
 * problem like any other.
 */
@ServerFilter("/v1/teams/**")
final class AdminAuthentication {
    static final String ATTRIBUTE = "keyless.admin";

    private final AdminService admins;
    private final Map<RouteInfo<?>, Boolean> takesAdmin = new ConcurrentHashMap<>();

    AdminAuthentication(AdminService admins) {
        this.admins = admins;
    }

    @RequestFilter
    @ExecuteOn(TaskExecutors.BLOCKING)
    void authenticate(HttpRequest<?> request) {
        RouteInfo<?> route = RouteAttributes.getRouteInfo(request).orElse(null);
        if (route == null || !takesAdmin.computeIfAbsent(route, AdminAuthentication::takesAdmin)) {
            return;
        }
        String team = PathTeam.of(request);
        AdminPrincipal principal =
                admins.authenticate(team, request.getHeaders().get(HttpHeaders.AUTHORIZATION));
        request.setAttribute(ATTRIBUTE, principal);
    }

    private static boolean takesAdmin(RouteInfo<?> route) {
        return route instanceof MethodBasedRouteInfo<?, ?> m
                && Arrays.stream(m.getTargetMethod().getArguments()).anyMatch(a -> a.getType() == AdminPrincipal.class);
    }

    static @Nullable AdminPrincipal of(HttpRequest<?> request) {
        return request.getAttribute(ATTRIBUTE, AdminPrincipal.class).orElse(null);
    }
}

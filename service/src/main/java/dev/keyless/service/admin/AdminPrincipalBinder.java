package dev.keyless.service.admin;

import io.micronaut.core.convert.ArgumentConversionContext;
import io.micronaut.core.type.Argument;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.bind.binders.TypedRequestArgumentBinder;
import jakarta.inject.Singleton;
import java.util.Optional;

/**
 * Lets a controller method take an {@link AdminPrincipal}: the bearer token is authenticated for
 * the {@code {team}} of the path before the method runs, so no controller can forget it.
 */
@Singleton
final class AdminPrincipalBinder implements TypedRequestArgumentBinder<AdminPrincipal> {
    private final AdminService admins;

    AdminPrincipalBinder(AdminService admins) {
        this.admins = admins;
    }

    @Override
    public Argument<AdminPrincipal> argumentType() {
        return Argument.of(AdminPrincipal.class);
    }

    @Override
    public BindingResult<AdminPrincipal> bind(
            ArgumentConversionContext<AdminPrincipal> context, HttpRequest<?> source) {
        String team = PathTeam.of(source);
        AdminPrincipal principal = admins.authenticate(team, source.getHeaders().get(HttpHeaders.AUTHORIZATION));
        return () -> Optional.of(principal);
    }
}

package dev.keyless.service.admin;

import dev.keyless.protocol.ProblemType;
import dev.keyless.service.caller.AdminPrincipal;
import dev.keyless.service.problem.KeylessException;
import io.micronaut.core.convert.ArgumentConversionContext;
import io.micronaut.core.type.Argument;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.bind.binders.PostponedRequestArgumentBinder;
import io.micronaut.http.bind.binders.TypedRequestArgumentBinder;
import jakarta.inject.Singleton;
import java.util.Optional;

/**
 * Lets a controller method take an {@link AdminPrincipal}: {@link AdminAuthentication} has
 * authenticated the caller for the {@code {team}} of the path before the method runs, so no
 * controller can forget it. Bound after the filters; no I/O here (this may run on the event loop).
 */
@Singleton
final class AdminPrincipalBinder
        implements TypedRequestArgumentBinder<AdminPrincipal>, PostponedRequestArgumentBinder<AdminPrincipal> {

    @Override
    public Argument<AdminPrincipal> argumentType() {
        return Argument.of(AdminPrincipal.class);
    }

    @Override
    public BindingResult<AdminPrincipal> bind(
            ArgumentConversionContext<AdminPrincipal> context, HttpRequest<?> source) {
        AdminPrincipal principal = AdminAuthentication.of(source);
        return principal == null ? BindingResult.unsatisfied() : () -> Optional.of(principal);
    }

    @Override
    public BindingResult<AdminPrincipal> bindPostponed(
            ArgumentConversionContext<AdminPrincipal> context, HttpRequest<?> source) {
        AdminPrincipal principal = AdminAuthentication.of(source);
        if (principal == null) {
            // The filter runs for every route that takes an admin; reaching here means it did not.
            throw new KeylessException(ProblemType.ADMIN_UNAUTHENTICATED, "The admin was not authenticated");
        }
        return () -> Optional.of(principal);
    }
}

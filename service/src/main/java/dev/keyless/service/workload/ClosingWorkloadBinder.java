package dev.keyless.service.workload;

import dev.keyless.service.admin.PathTeam;
import io.micronaut.core.convert.ArgumentConversionContext;
import io.micronaut.core.type.Argument;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.bind.binders.TypedRequestArgumentBinder;
import jakarta.inject.Singleton;
import java.util.Optional;

/** Binds {@link ClosingWorkload}: the access token's signature and team, but not its expiry. */
@Singleton
final class ClosingWorkloadBinder implements TypedRequestArgumentBinder<ClosingWorkload> {
    private final WorkloadPrincipalBinder principals;

    ClosingWorkloadBinder(WorkloadPrincipalBinder principals) {
        this.principals = principals;
    }

    @Override
    public Argument<ClosingWorkload> argumentType() {
        return Argument.of(ClosingWorkload.class);
    }

    @Override
    public BindingResult<ClosingWorkload> bind(
            ArgumentConversionContext<ClosingWorkload> context, HttpRequest<?> source) {
        ClosingWorkload workload = new ClosingWorkload(principals.authenticateForClose(
                PathTeam.of(source), source.getHeaders().get(HttpHeaders.AUTHORIZATION)));
        return () -> Optional.of(workload);
    }
}

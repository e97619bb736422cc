package dev.keyless.service.workload;

import dev.keyless.service.caller.PathTeam;
import io.micronaut.core.convert.ArgumentConversionContext;
import io.micronaut.core.type.Argument;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.bind.binders.TypedRequestArgumentBinder;
import jakarta.inject.Singleton;
import java.util.Optional;

/** Binds {@link WorkloadBearer} from the path and header alone: no I/O on the event loop. */
@Singleton
final class WorkloadBearerBinder implements TypedRequestArgumentBinder<WorkloadBearer> {
    @Override
    public Argument<WorkloadBearer> argumentType() {
        return Argument.of(WorkloadBearer.class);
    }

    @Override
    public BindingResult<WorkloadBearer> bind(
            ArgumentConversionContext<WorkloadBearer> context, HttpRequest<?> source) {
        WorkloadBearer bearer =
                new WorkloadBearer(PathTeam.of(source), source.getHeaders().get(HttpHeaders.AUTHORIZATION));
        return () -> Optional.of(bearer);
    }
}

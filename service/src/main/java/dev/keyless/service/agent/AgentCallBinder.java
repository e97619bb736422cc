package dev.keyless.service.agent;

import dev.keyless.service.caller.PathTeam;
import io.micronaut.core.convert.ArgumentConversionContext;
import io.micronaut.core.type.Argument;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.bind.binders.TypedRequestArgumentBinder;
import jakarta.inject.Singleton;
import java.net.URI;
import java.util.Optional;

/** Binds {@link AgentCall} from the request line and header alone: no I/O on the event loop. */
@Singleton
final class AgentCallBinder implements TypedRequestArgumentBinder<AgentCall> {
    @Override
    public Argument<AgentCall> argumentType() {
        return Argument.of(AgentCall.class);
    }

    @Override
    public BindingResult<AgentCall> bind(ArgumentConversionContext<AgentCall> context, HttpRequest<?> source) {
        URI uri = source.getUri();
        // Raw, byte for byte what the agent signed; the signature then also pins the encoding.
        String target = uri.getRawQuery() == null ? uri.getRawPath() : uri.getRawPath() + "?" + uri.getRawQuery();
        AgentCall call = new AgentCall(
                PathTeam.of(source),
                source.getMethodName(),
                target,
                source.getHeaders().get(HttpHeaders.AUTHORIZATION));
        return () -> Optional.of(call);
    }
}

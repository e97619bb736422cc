package dev.keyless.service.observability;

import io.micronaut.context.propagation.slf4j.MdcPropagationContext;
import io.micronaut.core.order.Ordered;
import io.micronaut.core.propagation.MutablePropagatedContext;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.RequestFilter;
import io.micronaut.http.annotation.ResponseFilter;
import io.micronaut.http.annotation.ServerFilter;
import io.micronaut.http.filter.ServerFilterPhase;
import java.util.Map;

/**
 * Gives every request its id before anything else runs: in the MDC of every log line written
 * while it is handled (propagated to the blocking thread that runs the controller), and in the
 * {@code X-Request-Id} response header. It also resolves the client address once, through
 * {@link ClientIps}, for the audit and the rate limits.
 */
@ServerFilter(ServerFilter.MATCH_ALL_PATTERN)
final class RequestIdFilter implements Ordered {
    private final ClientIps clientIps;

    RequestIdFilter(ClientIps clientIps) {
        this.clientIps = clientIps;
    }

    @RequestFilter
    void tag(HttpRequest<?> request, MutablePropagatedContext context) {
        String id = RequestIds.chooseFor(request.getHeaders().get(RequestIds.HEADER));
        request.setAttribute(RequestIds.ATTRIBUTE, id);
        request.setAttribute(ClientIps.ATTRIBUTE, clientIps.resolve(request));
        context.add(new MdcPropagationContext(Map.of(RequestIds.MDC_KEY, id)));
    }

    @ResponseFilter
    void header(HttpRequest<?> request, MutableHttpResponse<?> response) {
        response.header(RequestIds.HEADER, RequestIds.of(request));
    }

    @Override
    public int getOrder() {
        return ServerFilterPhase.FIRST.before();
    }
}

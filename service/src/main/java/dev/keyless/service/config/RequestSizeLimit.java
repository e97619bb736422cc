package dev.keyless.service.config;

import dev.keyless.protocol.Problem;
import dev.keyless.protocol.ProblemType;
import dev.keyless.service.problem.ProblemJson;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpMethod;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.RequestFilter;
import io.micronaut.http.annotation.ServerFilter;
import java.util.regex.Pattern;

/**
 * Keeps every request body at 64 KiB but one: a secret write carries a value of up to 64 KiB,
 * which JSON escaping or base64 makes longer, so {@code micronaut.server.max-request-size} is set
 * for it (192 KiB) and this filter answers the declared length of any other body past 64 KiB with
 * the same problem the server's own limit gives. Headers only: it runs on the event loop.
 */
@ServerFilter("/**")
final class RequestSizeLimit {
    static final long DEFAULT_LIMIT = 64 * 1024;
    private static final Pattern SECRET_WRITE = Pattern.compile("/v1/teams/[^/]+/secrets");

    @RequestFilter
    @Nullable
    HttpResponse<Problem> limit(HttpRequest<?> request) {
        long length = request.getContentLength();
        if (length <= DEFAULT_LIMIT) {
            return null;
        }
        if (request.getMethod() == HttpMethod.POST
                && SECRET_WRITE.matcher(request.getPath()).matches()) {
            return null;
        }
        return HttpResponse.<Problem>status(HttpStatus.REQUEST_ENTITY_TOO_LARGE)
                .contentType(ProblemJson.MEDIA_TYPE)
                .body(Problem.of(
                        ProblemType.BODY_TOO_LARGE, "The request body is larger than " + DEFAULT_LIMIT + " bytes"));
    }
}

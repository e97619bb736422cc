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
 * Keeps every request body at 64 KiB but two: a secret write carries a value of up to 64 KiB,
 * which JSON escaping or base64 makes longer (192 KiB), and {@code POST /servers/bulk} carries up
 * to 1000 servers, each up to a few hundred bytes with its labels (1 MiB;
 * {@code micronaut.server.max-request-size} is set for it). This filter answers the declared length
 * of a body past its limit with the same problem the server's own limit gives. Headers only: it
 * runs on the event loop.
 */
@ServerFilter("/**")
final class RequestSizeLimit {
    static final long DEFAULT_LIMIT = 64 * 1024;
    static final long SECRET_WRITE_LIMIT = 192 * 1024;
    static final long BULK_SERVERS_LIMIT = 1024 * 1024;
    private static final Pattern SECRET_WRITE = Pattern.compile("/v1/teams/[^/]+/secrets");
    private static final Pattern BULK_SERVERS = Pattern.compile("/v1/teams/[^/]+/servers/bulk");

    @RequestFilter
    @Nullable
    HttpResponse<Problem> limit(HttpRequest<?> request) {
        long length = request.getContentLength();
        if (length <= DEFAULT_LIMIT) {
            return null;
        }
        long limit = limitOf(request);
        if (length <= limit) {
            return null;
        }
        return HttpResponse.<Problem>status(HttpStatus.REQUEST_ENTITY_TOO_LARGE)
                .contentType(ProblemJson.MEDIA_TYPE)
                .body(Problem.of(ProblemType.BODY_TOO_LARGE, "The request body is larger than " + limit + " bytes"));
    }

    private static long limitOf(HttpRequest<?> request) {
        if (request.getMethod() != HttpMethod.POST) {
            return DEFAULT_LIMIT;
        }
        if (SECRET_WRITE.matcher(request.getPath()).matches()) {
            return SECRET_WRITE_LIMIT;
        }
        return BULK_SERVERS.matcher(request.getPath()).matches() ? BULK_SERVERS_LIMIT : DEFAULT_LIMIT;
    }
}

package dev.keyless.service.problem;

import dev.keyless.protocol.Problem;
import dev.keyless.service.observability.RequestIds;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.server.exceptions.ExceptionHandler;

/**
 * Turns a {@link Rejection} into its problem response; controllers never do. Micronaut picks an
 * exception handler by the exception's class, so each rejecting exception type has a one-line
 * subclass next to it (annotated {@code @Singleton} and {@code @Produces(ProblemJson.MEDIA_TYPE)});
 * the response is built here, once.
 */
public abstract class RejectionHandler<E extends RuntimeException & Rejection>
        implements ExceptionHandler<E, HttpResponse<Problem>> {

    @Override
    @SuppressWarnings("rawtypes") // the interface declares the raw type
    public HttpResponse<Problem> handle(HttpRequest request, E exception) {
        Problem problem = exception.toProblem();
        if (problem.status() >= 500) {
            // A server-side failure is looked up in the log by its request id.
            problem = new Problem(
                    problem.type(),
                    problem.title(),
                    problem.status(),
                    problem.detail(),
                    problem.check(),
                    problem.claim(),
                    problem.expected(),
                    problem.state(),
                    problem.errors(),
                    RequestIds.of(request));
        }
        MutableHttpResponse<Problem> response = HttpResponse.<Problem>status(HttpStatus.valueOf(problem.status()))
                .contentType(ProblemJson.MEDIA_TYPE)
                .body(problem);
        if (exception.retryAfter() != null) {
            response.header(
                    HttpHeaders.RETRY_AFTER,
                    Long.toString(exception.retryAfter().toSeconds()));
        }
        if (exception.closesConnection()) {
            response.header(HttpHeaders.CONNECTION, "close");
        }
        return response;
    }
}

package dev.keyless.service.problem;

import dev.keyless.protocol.Problem;
import dev.keyless.service.policy.InvalidNameException;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.Produces;
import io.micronaut.http.server.exceptions.ExceptionHandler;
import jakarta.inject.Singleton;

/**
 * A name that reached a {@code Names} validator without its caller turning the refusal into a
 * problem is still the client's input: answer it as {@code invalid-request} naming the field and
 * the rule (never the value), not as a 500. Callers should still catch it where they collect
 * several field errors; this is the net under the ones that do not.
 */
@Produces(ProblemJson.MEDIA_TYPE)
@Singleton
final class InvalidNameExceptionHandler implements ExceptionHandler<InvalidNameException, HttpResponse<Problem>> {

    @Override
    @SuppressWarnings("rawtypes") // the interface declares the raw type
    public HttpResponse<Problem> handle(HttpRequest request, InvalidNameException exception) {
        Problem problem =
                KeylessException.invalid(exception.field(), exception.rule()).toProblem();
        return HttpResponse.<Problem>status(HttpStatus.valueOf(problem.status()))
                .contentType(ProblemJson.MEDIA_TYPE)
                .body(problem);
    }
}

package dev.keyless.service.name;

import dev.keyless.service.problem.ProblemJson;
import dev.keyless.service.problem.RejectionHandler;
import io.micronaut.http.annotation.Produces;
import jakarta.inject.Singleton;

/**
 * A name that breaks its grammar is the client's input: answered as {@code invalid-request} naming
 * the field and the rule (never the value), not as a 500. Callers that collect several field errors
 * still catch it; every other caller lets it propagate to here.
 */
@Produces(ProblemJson.MEDIA_TYPE)
@Singleton
final class InvalidNameExceptionHandler extends RejectionHandler<InvalidNameException> {}

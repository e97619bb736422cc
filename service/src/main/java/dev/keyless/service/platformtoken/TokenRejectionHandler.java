package dev.keyless.service.platformtoken;

import dev.keyless.service.problem.ProblemJson;
import dev.keyless.service.problem.RejectionHandler;
import io.micronaut.http.annotation.Produces;
import jakarta.inject.Singleton;

/** A platform token that failed a check, answered with the check's problem type. */
@Produces(ProblemJson.MEDIA_TYPE)
@Singleton
final class TokenRejectionHandler extends RejectionHandler<TokenRejectedException> {}

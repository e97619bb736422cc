package dev.keyless.service.problem;

import io.micronaut.http.annotation.Produces;
import jakarta.inject.Singleton;

/** Turns every {@link KeylessException} into its problem response. */
@Produces(ProblemJson.MEDIA_TYPE)
@Singleton
final class KeylessExceptionHandler extends RejectionHandler<KeylessException> {}

package dev.keyless.service.accesstoken;

import dev.keyless.service.problem.ProblemJson;
import dev.keyless.service.problem.RejectionHandler;
import io.micronaut.http.annotation.Produces;
import jakarta.inject.Singleton;

/** An access token that failed a check: {@code access-token-invalid} or {@code access-token-expired}. */
@Produces(ProblemJson.MEDIA_TYPE)
@Singleton
final class AccessTokenRejectionHandler extends RejectionHandler<AccessTokenRejectedException> {}

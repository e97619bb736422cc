package dev.keyless.service.accesstoken;

import dev.keyless.protocol.ProblemType;
import dev.keyless.service.problem.Rejection;

/**
 * An access token was not accepted. The problem type is {@link ProblemType#ACCESS_TOKEN_EXPIRED}
 * for an expired token and {@link ProblemType#ACCESS_TOKEN_INVALID} for every other check; the
 * message is one fixed sentence per check and never contains the token or its claims.
 */
public final class AccessTokenRejectedException extends RuntimeException implements Rejection {
    private static final long serialVersionUID = 1L;

    private final ProblemType problemType;

    public AccessTokenRejectedException(ProblemType problemType, String message) {
        super(message);
        if (problemType != ProblemType.ACCESS_TOKEN_INVALID && problemType != ProblemType.ACCESS_TOKEN_EXPIRED) {
            throw new IllegalArgumentException("not an access-token problem: " + problemType);
        }
        this.problemType = problemType;
    }

    @Override
    public ProblemType problemType() {
        return problemType;
    }
}

package dev.keyless.service.access;

import dev.keyless.protocol.ProblemType;

/**
 * An access token was not accepted. The problem type is {@link ProblemType#ACCESS_TOKEN_EXPIRED}
 * for an expired token and {@link ProblemType#ACCESS_TOKEN_INVALID} for every other check; the
 * message is one fixed sentence per check and never contains the token or its claims.
 */
public final class AccessTokenRejectedException extends RuntimeException {
    private final ProblemType problemType;

    public AccessTokenRejectedException(ProblemType problemType, String message) {
        super(message);
        if (problemType != ProblemType.ACCESS_TOKEN_INVALID && problemType != ProblemType.ACCESS_TOKEN_EXPIRED) {
            throw new IllegalArgumentException("not an access-token problem: " + problemType);
        }
        this.problemType = problemType;
    }

    public ProblemType problemType() {
        return problemType;
    }
}

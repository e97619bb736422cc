package dev.keyless.service.platformtoken.jwks;

import dev.keyless.protocol.ProblemType;

/**
 * Verification could not run (processing failure, not a verdict on the token): today only {@link
 * ProblemType#JWKS_UNAVAILABLE}, when no usable keys of the issuer are known. Retrying later may
 * succeed. The message names the key source but never carries the token.
 */
public final class TokenVerificationException extends RuntimeException {
    private final ProblemType problemType;

    public TokenVerificationException(ProblemType problemType, String message, Throwable cause) {
        super(message, cause);
        this.problemType = problemType;
    }

    public ProblemType problemType() {
        return problemType;
    }
}

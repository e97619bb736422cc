package dev.keyless.service.platformtoken;

import dev.keyless.protocol.ProblemType;
import dev.keyless.service.platformtoken.jwks.TokenVerificationException;
import dev.keyless.service.problem.Rejection;

/**
 * The token is not acceptable: one check failed. The message is fixed text naming the check; it
 * never contains the token or a value the token carried. {@link #claim()} names the claim involved
 * and {@link #expected()} is the configured value or pattern (both may be null).
 *
 * <p>Distinct from {@link TokenVerificationException}, which means verification could not run.
 */
public final class TokenRejectedException extends RuntimeException implements Rejection {
    private static final long serialVersionUID = 1L;

    private final ProblemType problemType;
    private final TokenCheck check;
    private final String claim;
    private final String expected;

    TokenRejectedException(ProblemType problemType, TokenCheck check, String claim, String expected, String message) {
        super(message, null, false, false);
        this.problemType = problemType;
        this.check = check;
        this.claim = claim;
        this.expected = expected;
    }

    static TokenRejectedException of(TokenCheck check, String message) {
        return new TokenRejectedException(check.problemType(), check, null, null, message);
    }

    static TokenRejectedException of(TokenCheck check, String claim, String expected, String message) {
        return new TokenRejectedException(check.problemType(), check, claim, expected, message);
    }

    /** A claim of the wrong JSON type, or a required registered claim that is missing. */
    static TokenRejectedException malformedClaim(TokenCheck check, String claim, String message) {
        return new TokenRejectedException(ProblemType.TOKEN_MALFORMED, check, claim, null, message);
    }

    @Override
    public ProblemType problemType() {
        return problemType;
    }

    public TokenCheck check() {
        return check;
    }

    /** The claim the check concerns, or null. */
    @Override
    public String claim() {
        return claim;
    }

    /** The configured expectation (issuer, audiences, pattern), or null. Never a token value. */
    @Override
    public String expected() {
        return expected;
    }
}

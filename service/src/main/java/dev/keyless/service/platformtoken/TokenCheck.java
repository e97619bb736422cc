package dev.keyless.service.platformtoken;

import dev.keyless.protocol.ProblemType;

/** The checks of {@link PlatformTokenVerifier}, in the order they run, each with its problem type. */
public enum TokenCheck {
    SIZE("size", ProblemType.TOKEN_TOO_LARGE),
    STRUCTURE("structure", ProblemType.TOKEN_MALFORMED),
    ALGORITHM("algorithm", ProblemType.TOKEN_ALGORITHM_NOT_ALLOWED),
    HEADER("header", ProblemType.TOKEN_HEADER_REJECTED),
    KEY("key", ProblemType.TOKEN_KEY_UNKNOWN),
    SIGNATURE("signature", ProblemType.TOKEN_SIGNATURE_INVALID),
    ISSUER("issuer", ProblemType.TOKEN_ISSUER_MISMATCH),
    AUDIENCE("audience", ProblemType.TOKEN_AUDIENCE_MISMATCH),
    EXPIRY("expiry", ProblemType.TOKEN_EXPIRED),
    NOT_BEFORE("not-before", ProblemType.TOKEN_NOT_YET_VALID),
    ISSUED_AT("issued-at", ProblemType.TOKEN_NOT_YET_VALID),
    MAX_AGE("max-age", ProblemType.TOKEN_TOO_OLD),
    REQUIRED_CLAIMS("required-claims", ProblemType.TOKEN_CLAIM_MISMATCH);

    private final String id;
    private final ProblemType problemType;

    TokenCheck(String id, ProblemType problemType) {
        this.id = id;
        this.problemType = problemType;
    }

    /** Stable name used as {@code check} in reports and problem responses. */
    public String id() {
        return id;
    }

    /** The problem type this check usually fails with (claim type errors use TOKEN_MALFORMED). */
    public ProblemType problemType() {
        return problemType;
    }
}

package dev.keyless.service.sso;

import dev.keyless.protocol.ProblemType;
import dev.keyless.service.problem.KeylessException;

/** A sign-in that did not complete: the step that failed and why, never a code or token. */
final class SsoFailure extends KeylessException {
    private static final long serialVersionUID = 1L;

    private final String step;

    SsoFailure(String step, String reason) {
        super(ProblemType.SSO_LOGIN_FAILED, "Single sign-on failed at " + step + ": " + reason);
        this.step = step;
    }

    String step() {
        return step;
    }
}

package dev.keyless.service.problem;

import dev.keyless.protocol.Problem;
import dev.keyless.protocol.ProblemType;
import java.util.List;

/**
 * A refusal the service answers with an RFC 7807 problem. The message is the problem's detail:
 * it names the failed check and never carries a token, key or presented claim value.
 */
public class KeylessException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final ProblemType type;
    private final String claim;
    private final String expected;
    private final String state;
    private final List<Problem.FieldError> errors;

    public KeylessException(ProblemType type, String detail) {
        this(type, detail, null, null, null, null);
    }

    public KeylessException(
            ProblemType type,
            String detail,
            String claim,
            String expected,
            String state,
            List<Problem.FieldError> errors) {
        super(detail, null, false, false);
        this.type = type;
        this.claim = claim;
        this.expected = expected;
        this.state = state;
        this.errors = errors == null ? null : List.copyOf(errors);
    }

    public static KeylessException notFound(String what, String name) {
        return new KeylessException(ProblemType.NOT_FOUND, "No " + what + " named '" + name + "' in this team");
    }

    public static KeylessException invalid(List<Problem.FieldError> errors) {
        String detail = errors.size() == 1
                ? errors.get(0).field() + ": " + errors.get(0).message()
                : errors.size() + " fields are invalid";
        return new KeylessException(ProblemType.INVALID_REQUEST, detail, null, null, null, errors);
    }

    public static KeylessException invalid(String field, String message) {
        return invalid(List.of(new Problem.FieldError(field, message)));
    }

    public static KeylessException inState(ProblemType type, String detail, String state) {
        return new KeylessException(type, detail, null, null, state, null);
    }

    public ProblemType type() {
        return type;
    }

    /** How long the client should wait before the same request may succeed; null when it will not. */
    public java.time.Duration retryAfter() {
        return null;
    }

    /** True when the answer should close the connection, so that its descriptor is freed at once. */
    public boolean closesConnection() {
        return false;
    }

    public Problem toProblem() {
        return new Problem(
                type.type(),
                type.title(),
                type.status(),
                getMessage(),
                type.slug(),
                claim,
                expected,
                state,
                errors,
                null);
    }
}

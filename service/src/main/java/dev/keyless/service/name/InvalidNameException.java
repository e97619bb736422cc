package dev.keyless.service.name;

import dev.keyless.protocol.Problem;
import dev.keyless.protocol.ProblemType;
import dev.keyless.service.problem.Rejection;
import java.util.List;

/**
 * A name, label, address or port failed its write-time grammar. The message names the field and
 * the rule only; the rejected value is never part of it, so it can go straight into a problem
 * response or a log line. As a {@link Rejection} it is {@code invalid-request} with one field error
 * (the field and the rule).
 */
public final class InvalidNameException extends IllegalArgumentException implements Rejection {
    private static final long serialVersionUID = 1L;

    private final String field;
    private final String rule;

    /**
     * @param field the request field, e.g. {@code roles[2]}
     * @param rule what the value must look like, e.g. {@code must match [a-z][a-z0-9_-]{0,29}}
     */
    public InvalidNameException(String field, String rule) {
        super(field + ": " + rule);
        this.field = field;
        this.rule = rule;
    }

    /** The request field that was rejected. */
    public String field() {
        return field;
    }

    /** The rule the value broke, without the value. */
    public String rule() {
        return rule;
    }

    @Override
    public ProblemType problemType() {
        return ProblemType.INVALID_REQUEST;
    }

    @Override
    public List<Problem.FieldError> errors() {
        return List.of(new Problem.FieldError(field, rule));
    }
}

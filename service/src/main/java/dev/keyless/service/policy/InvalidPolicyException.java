package dev.keyless.service.policy;

import java.util.List;

/**
 * A policy spec broke one or more rules; {@link #errors()} lists every one, in field order, so an
 * admin fixes them all in one round trip (the {@code errors[]} of an {@code invalid-request}
 * problem).
 */
public final class InvalidPolicyException extends IllegalArgumentException {
    private final List<FieldError> errors;

    public InvalidPolicyException(List<FieldError> errors) {
        super("invalid policy: " + errors.size() + " field error(s), first "
                + errors.get(0).field());
        this.errors = List.copyOf(errors);
    }

    public List<FieldError> errors() {
        return errors;
    }
}

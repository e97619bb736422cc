package dev.keyless.protocol;

import java.util.List;

/**
 * An RFC 7807 problem response body ({@code application/problem+json}).
 *
 * <p>The extension members name the failed check: {@code check} (the check's slug), {@code claim}
 * (which claim), {@code expected} (the value or pattern from configuration, never from the
 * presented token), {@code state} (the state that refused the action), {@code errors} (several
 * field failures) and {@code requestId} (for 5xx answers, also in the service log). Absent
 * members are {@code null}.
 */
public record Problem(
        String type,
        String title,
        int status,
        String detail,
        String check,
        String claim,
        String expected,
        String state,
        List<FieldError> errors,
        String requestId) {

    /** One invalid field: its JSON path and what is wrong with it. */
    public record FieldError(String field, String message) {}

    /** A problem of the given type with a detail and nothing else. */
    public static Problem of(ProblemType type, String detail) {
        return new Problem(type.type(), type.title(), type.status(), detail, type.slug(), null, null, null, null, null);
    }
}

package dev.keyless.service.problem;

import dev.keyless.protocol.Problem;
import dev.keyless.protocol.ProblemType;
import java.time.Duration;
import java.util.List;

/**
 * A refusal of the client's input, answered with an RFC 7807 problem: what every feature's "not
 * acceptable" exception implements ({@link KeylessException}, a name that breaks its grammar, a
 * platform or access token that fails a check). {@link #toProblem()} is the one place a refusal
 * becomes a problem body; {@link RejectionHandler} is the one place it becomes a response.
 * Controllers and services let these propagate instead of translating them.
 *
 * <p>The message ({@link #getMessage()}) is the problem's detail: fixed text naming the check,
 * never a token, key or presented claim value.
 */
public interface Rejection {
    /** The problem type the client sees. */
    ProblemType problemType();

    /** The problem's detail. */
    String getMessage();

    /** The claim the failed check concerns, or null. */
    default String claim() {
        return null;
    }

    /** The configured expectation (issuer, pattern, role), or null; never a presented value. */
    default String expected() {
        return null;
    }

    /** The state that made the call impossible, or null. */
    default String state() {
        return null;
    }

    /** One entry per invalid field, or null. */
    default List<Problem.FieldError> errors() {
        return null;
    }

    /** How long the client should wait before the same request may succeed; null when it will not. */
    default Duration retryAfter() {
        return null;
    }

    /** True when the answer should close the connection, so that its descriptor is freed at once. */
    default boolean closesConnection() {
        return false;
    }

    /** The problem body; {@code check} is the type's slug. */
    default Problem toProblem() {
        ProblemType type = problemType();
        return new Problem(
                type.type(),
                type.title(),
                type.status(),
                getMessage(),
                type.slug(),
                claim(),
                expected(),
                state(),
                errors(),
                null);
    }
}

package dev.keyless.client;

import dev.keyless.protocol.Problem;
import dev.keyless.protocol.ProblemType;
import java.util.Optional;

/**
 * The service refused a call with an RFC 7807 problem. {@link #getMessage()} is one line naming
 * the failed check, safe to print: the service never puts tokens in problems.
 */
public final class KeylessProblemException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final transient Problem problem;

    public KeylessProblemException(Problem problem) {
        super(oneLine(problem), null, false, false);
        this.problem = problem;
    }

    public Problem problem() {
        return problem;
    }

    /** The problem as a known constant, if it is one. */
    public Optional<ProblemType> type() {
        return ProblemType.fromType(problem.type());
    }

    public int status() {
        return problem.status();
    }

    private static String oneLine(Problem p) {
        StringBuilder s = new StringBuilder();
        s.append(p.status()).append(' ').append(p.check() != null ? p.check() : p.type());
        if (p.detail() != null) {
            s.append(": ").append(p.detail());
        }
        if (p.claim() != null) {
            s.append(" (claim ").append(p.claim());
            if (p.expected() != null) {
                s.append(", expected ").append(p.expected());
            }
            s.append(')');
        }
        if (p.requestId() != null) {
            s.append(" [request ").append(p.requestId()).append(']');
        }
        return s.toString();
    }
}

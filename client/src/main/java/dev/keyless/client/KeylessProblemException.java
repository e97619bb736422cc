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

    /** The failed check's slug: {@code check}, else the slug of {@code type}, else the type. */
    public String check() {
        if (problem.check() != null) {
            return problem.check();
        }
        return type().map(ProblemType::slug).orElse(problem.type());
    }

    private static String oneLine(Problem p) {
        StringBuilder s = new StringBuilder();
        String check = p.check() != null
                ? p.check()
                : ProblemType.fromType(p.type()).map(ProblemType::slug).orElse(p.type());
        s.append(check).append(" (HTTP ").append(p.status()).append(')');
        String text = p.detail() != null ? p.detail() : p.title();
        if (text != null) {
            s.append(": ").append(text);
        }
        if (p.claim() != null) {
            s.append("; claim ").append(p.claim());
        }
        if (p.expected() != null) {
            s.append("; expected ").append(p.expected());
        }
        // The detail often says the state or the one field error already; each is said once.
        if (p.state() != null && (text == null || !text.contains(p.state()))) {
            s.append("; state ").append(p.state());
        }
        if (p.errors() != null) {
            for (Problem.FieldError e : p.errors()) {
                String error = e.field() + ": " + e.message();
                if (text == null || !text.contains(error)) {
                    s.append("; ").append(error);
                }
            }
        }
        if (p.requestId() != null) {
            s.append(" [request ").append(p.requestId()).append(']');
        }
        return s.toString().replace('\n', ' ').replace('\r', ' ');
    }
}

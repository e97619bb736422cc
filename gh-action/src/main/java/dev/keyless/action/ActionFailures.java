package dev.keyless.action;

import dev.keyless.action.runner.Runner;
import dev.keyless.client.KeylessProblemException;
import dev.keyless.client.KeylessTransportException;
import dev.keyless.client.SessionNotReadyException;
import dev.keyless.client.token.TokenSourceException;
import java.util.Map;

/**
 * Turns a failure into one {@code ::error title=Keyless: <check>::message (hint: ...)} annotation
 * and an exit code: 2 input/configuration, 3 refused by the service, 4 service or network fault,
 * 1 anything else. Messages pass through the runner's masker.
 */
final class ActionFailures {
    private final Runner runner;
    private final Map<String, String> env;

    ActionFailures(Runner runner, Map<String, String> env) {
        this.runner = runner;
        this.env = env;
    }

    /** @param audience the audience requested, or null if the inputs did not parse */
    int report(Exception e, String audience) {
        if (e instanceof KeylessProblemException p) {
            error(p.check(), p.getMessage(), ActionHints.forProblem(p, env, audience));
            return p.status() >= 500 ? ExitCodes.FAULT : ExitCodes.REFUSED;
        }
        if (e instanceof TokenSourceException t) {
            boolean config = t.reason() == TokenSourceException.Reason.NOT_CONFIGURED;
            error(config ? "id-token-permission" : "token-source", t.getMessage(), t.hint());
            return config ? ExitCodes.USAGE : ExitCodes.FAULT;
        }
        if (e instanceof KeylessTransportException t) {
            error("unreachable", t.getMessage(), "check the 'service-url' input and the runner's network or proxy");
            return ExitCodes.FAULT;
        }
        if (e instanceof SessionNotReadyException s) {
            error("session-not-ready", s.getMessage(), null);
            return s.state() != null && s.state().isFinal() ? ExitCodes.REFUSED : ExitCodes.FAULT;
        }
        if (e instanceof IllegalArgumentException) {
            error("input", e.getMessage(), null);
            return ExitCodes.USAGE;
        }
        error("failed", e.getClass().getSimpleName() + ": " + e.getMessage(), "set the 'debug' input to true");
        return ExitCodes.FAILED;
    }

    private void error(String check, String message, String hint) {
        runner.error("Keyless: " + check, message + (hint == null ? "" : " (hint: " + hint + ")"));
    }
}

package dev.keyless.cli;

import dev.keyless.cli.admin.AdminCall;
import dev.keyless.client.KeylessProblemException;
import dev.keyless.client.KeylessTransportException;
import dev.keyless.client.SessionNotReadyException;
import dev.keyless.client.token.TokenSourceException;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

/**
 * Turns every failure into one masked line on stderr ({@code keyless: <check>: <why>}), an
 * optional {@code hint:} line, and an exit code: 2 usage/configuration, 3 refused by the service,
 * 4 service or network fault, 1 anything else.
 */
final class Failures implements IExecutionExceptionHandler, IParameterExceptionHandler {
    private final Context ctx;

    Failures(Context ctx) {
        this.ctx = ctx;
    }

    @Override
    public int handleParseException(ParameterException e, String[] args) {
        CommandLine cmd = e.getCommandLine();
        if (String.valueOf(e.getMessage()).startsWith("Missing required subcommand")) {
            ctx.error("keyless: usage: '" + cmd.getCommandSpec().qualifiedName() + "' needs one of its commands");
        } else {
            ctx.error("keyless: usage: " + e.getMessage());
        }
        if (e instanceof CommandLine.UnmatchedArgumentException u) {
            List<String> suggestions = u.getSuggestions();
            if (!suggestions.isEmpty()) {
                ctx.error("Did you mean: " + String.join(" or ", suggestions) + "?");
            }
        }
        // The usage of the command that failed, not a hint to run it again with --help.
        ctx.error(cmd.getUsageMessage().stripTrailing());
        return ExitCodes.USAGE;
    }

    @Override
    public int handleExecutionException(Exception e, CommandLine cmd, ParseResult parsed) {
        String audience = audienceOf(cmd);
        if (e instanceof KeylessProblemException p) {
            String hint = "admin-unauthenticated".equals(p.check()) ? wrongTeamHint(cmd) : null;
            report(
                    "refused: " + p.getMessage(),
                    hint != null ? hint : Hints.forProblem(p, ctx.env(), audience, sourceOf(cmd)));
            return p.status() >= 500 ? ExitCodes.FAULT : ExitCodes.REFUSED;
        }
        if (e instanceof TokenSourceException t) {
            report("token-source: " + t.getMessage(), t.hint());
            return t.reason() == TokenSourceException.Reason.NOT_CONFIGURED ? ExitCodes.USAGE : ExitCodes.FAULT;
        }
        if (e instanceof KeylessTransportException t) {
            report("unreachable: " + t.getMessage(), transportHint(t));
            return ExitCodes.FAULT;
        }
        if (e instanceof SessionNotReadyException s) {
            report("session-not-ready: " + s.getMessage(), null);
            return s.state() != null && s.state().isFinal() ? ExitCodes.REFUSED : ExitCodes.FAULT;
        }
        if (e instanceof UsageException || e instanceof IllegalArgumentException) {
            report("usage: " + e.getMessage(), null);
            return ExitCodes.USAGE;
        }
        if (e instanceof InterruptedException) {
            report("interrupted", null);
            return 130;
        }
        report("failed: " + e.getClass().getSimpleName() + ": " + e.getMessage(), "run with --debug for each step");
        return ExitCodes.FAILED;
    }

    /** A TLS failure is a scheme or trust problem, not a network one; say which to check. */
    static String transportHint(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof javax.net.ssl.SSLHandshakeException) {
                return "the service's TLS certificate is not trusted: pass its CA with --ca-bundle /"
                        + " KEYLESS_CA_BUNDLE (PEM)";
            }
            if (c instanceof javax.net.ssl.SSLException) {
                return "TLS failed: if the service listens on plain HTTP on this port, use an http:// --service-url;"
                        + " if it uses a private CA, pass it with --ca-bundle / KEYLESS_CA_BUNDLE";
            }
        }
        return "check --service-url / KEYLESS_SERVICE_URL, the network, and HTTPS_PROXY / NO_PROXY"
                + " ('keyless doctor' shows the proxy in use)";
    }

    private void report(String line, String hint) {
        ctx.error("keyless: " + line);
        if (hint != null) {
            ctx.error("hint: " + hint);
        }
    }

    /** An admin command's own account of a refused token (which team it is for), or null. */
    private static String wrongTeamHint(CommandLine cmd) {
        return cmd.getCommandSpec().mixins().values().stream()
                .map(CommandLine.Model.CommandSpec::userObject)
                .filter(AdminCall.class::isInstance)
                .map(a -> ((AdminCall) a).wrongTeamHint())
                .filter(java.util.Objects::nonNull)
                .findFirst()
                .orElse(null);
    }

    private static String sourceOf(CommandLine cmd) {
        return cmd.getCommand() instanceof WorkloadCommand w ? w.pickedSource() : null;
    }

    private static String audienceOf(CommandLine cmd) {
        Object user = cmd.getCommand();
        if (user instanceof WorkloadCommand w) {
            return w.requestedAudience();
        }
        return null;
    }
}

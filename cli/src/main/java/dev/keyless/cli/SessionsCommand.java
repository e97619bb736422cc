package dev.keyless.cli;

import dev.keyless.client.KeylessClient;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code keyless sessions close ID...}: closes sessions (idempotent) with an access token. */
@Command(
        name = "sessions",
        description = "Manage this job's sessions.",
        subcommands = SessionsCommand.Close.class,
        footerHeading = "%nExamples:%n",
        footer = "  keyless sessions close SESSION_ID")
public final class SessionsCommand {
    private SessionsCommand() {}

    /** {@code keyless sessions close}. */
    @Command(
            name = "close",
            description = "Close sessions; uses $KEYLESS_TOKEN or a fresh exchange.",
            footerHeading = "%nExamples:%n",
            footer = "  KEYLESS_TOKEN=$(keyless authenticate ...) keyless sessions close SESSION_ID")
    public static final class Close extends WorkloadCommand {
        @Mixin
        AccessTokenSource accessToken;

        @Parameters(arity = "1..*", paramLabel = "ID", description = "Session ids.")
        List<String> ids;

        @Override
        public Integer call() {
            Context ctx = ctx();
            KeylessClient client = client();
            String at = accessToken.fromEnvironment(ctx).orElseGet(() -> {
                String audience = token.audience(service);
                return client.authenticate(
                                token.connection(), () -> ctx.masker().register(source().fetch(audience)), token.role)
                        .accessToken();
            });
            ctx.masker().register(at);
            for (String id : ids) {
                ctx.out().println(id + " " + client.closeSession(at, id).state());
            }
            ctx.out().flush();
            return ExitCodes.OK;
        }
    }
}

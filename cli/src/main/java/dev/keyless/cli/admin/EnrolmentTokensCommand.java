package dev.keyless.cli.admin;

import dev.keyless.cli.ExitCodes;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code keyless admin servers enrolment-tokens SERVER}: a one-time token for the server's host agent. */
@Command(
        name = "enrolment-tokens",
        aliases = "enrollment-tokens",
        description = "Mint a one-time, short-lived enrolment token for a server's host agent.",
        footerHeading = "%nExamples:%n",
        footer = {
            "  keyless admin servers enrolment-tokens web-01",
            "  keyless admin servers enrolment-tokens web-01 --output json"
        })
public final class EnrolmentTokensCommand implements Callable<Integer> {
    @Mixin
    AdminCall call;

    @Parameters(paramLabel = "SERVER", description = "The server the agent runs on.")
    String server;

    @Override
    public Integer call() {
        call.show(
                call.call("POST", "/servers/" + AdminCall.encode(server) + "/enrollment-tokens", null),
                List.of("server", "token", "expires_at"));
        return ExitCodes.OK;
    }
}

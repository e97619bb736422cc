package dev.keyless.cli.admin;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keyless.cli.ExitCodes;
import dev.keyless.client.Json;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code keyless admin teams list|create}: service-level calls, for the operator token or a
 * security admin of the bootstrap team (pass its variable with {@code --admin-token-env}).
 */
@Command(
        name = "teams",
        description = "Teams of the service (operator token, or a bootstrap-team security admin).",
        footerHeading = "%nExamples:%n",
        footer = {
            "  keyless admin teams create acme --admin-token-env KEYLESS_OPERATOR_TOKEN",
            "  keyless admin teams list"
        })
public final class TeamsCommand {
    @Command(
            name = "list",
            description = "List the service's teams.",
            footerHeading = "%nExamples:%n",
            footer = "  keyless admin teams list --admin-token-env KEYLESS_OPERATOR_TOKEN")
    int list(@Mixin AdminCall call) {
        call.show(call.send("GET", "/v1/teams", null).body(), List.of("name"));
        return ExitCodes.OK;
    }

    @Command(
            name = "create",
            description = "Create a team with its CAs and a first security admin, whose token is printed once.",
            footerHeading = "%nExamples:%n",
            footer = "  keyless admin teams create acme --admin alice --output json")
    int create(
            @Mixin AdminCall call,
            @Parameters(paramLabel = "TEAM", description = "The new team's name.") String team,
            @Option(
                            names = "--admin",
                            paramLabel = "NAME",
                            defaultValue = "bootstrap",
                            description = "Its first security admin (default ${DEFAULT-VALUE}).")
                    String admin) {
        ObjectNode body = Json.mapper().createObjectNode().put("name", team).put("admin", admin);
        var created = call.send("POST", "/v1/teams", body).body();
        if (call.json()) {
            call.printJson(created);
        } else {
            call.line("team:  " + created.path("name").asText() + "\nadmin: "
                    + created.path("admin").path("name").asText() + " (security_admin)\ntoken: "
                    + created.path("admin").path("token").asText()
                    + "\n(the token is shown only now: store it in your secret manager)");
        }
        return ExitCodes.OK;
    }
}

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
 * {@code keyless admin admins list|create}. The service has no admin deletion: an admin's name
 * is part of the four-eyes record of the changes it proposed or approved.
 */
@Command(
        name = "admins",
        description = "The team's admins: list them, create one (its token is shown once).",
        footerHeading = "%nExamples:%n",
        footer = {"  keyless admin admins list", "  keyless admin admins create alice --role security_admin"})
public final class AdminsCommand {
    @Command(
            name = "list",
            description = "List admins (security admin or auditor); never a token.",
            footerHeading = "%nExamples:%n",
            footer = "  keyless admin admins list --output json")
    int list(@Mixin AdminCall call) {
        call.show(call.call("GET", "/admins", null), List.of("name", "role", "owner", "created_by", "created_at"));
        return ExitCodes.OK;
    }

    @Command(
            name = "create",
            description = "Create an admin (security admin); prints its token once: store it in a secret manager."
                    + " A second security admin created by the only one is the four-eyes hand-over.",
            footerHeading = "%nExamples:%n",
            footer = "  keyless admin admins create ops --role devops_admin --output json")
    int create(
            @Mixin AdminCall call,
            @Parameters(paramLabel = "NAME", description = "The admin's name.") String name,
            @Option(
                            names = "--role",
                            required = true,
                            paramLabel = "ROLE",
                            description = "security_admin, devops_admin, resource_admin or auditor.")
                    String role) {
        ObjectNode body = Json.mapper().createObjectNode().put("name", name).put("role", role);
        call.show(call.call("POST", "/admins", body));
        return ExitCodes.OK;
    }
}

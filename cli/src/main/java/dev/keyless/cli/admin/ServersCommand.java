package dev.keyless.cli.admin;

import java.util.List;
import picocli.CommandLine.Command;

/**
 * {@code keyless admin servers list|get|create|update|delete}, {@code create-bulk} and {@code
 * enrolment-tokens}.
 * Deleting a server revokes its live sessions (its agent removes their accounts).
 */
@Command(
        name = "servers",
        description = "Target servers: address, port and the labels policies select on.",
        subcommands = {CreateBulkCommand.class, EnrolmentTokensCommand.class},
        footerHeading = "%nExamples:%n",
        footer = {
            "  keyless admin servers create -f web-01.yaml",
            "  keyless admin servers create-bulk -f servers.csv   # a fleet, 1000 per call",
            "  keyless admin servers enrolment-tokens web-01   # one-time token for its host agent"
        })
public final class ServersCommand extends ResourceCommand {
    @Override
    String singular() {
        return "server";
    }

    @Override
    String deleteConsequence() {
        return ", which revokes its live sessions";
    }

    @Override
    String resource() {
        return "servers";
    }

    @Override
    List<String> columns() {
        return List.of("name", "address", "port", "labels");
    }
}

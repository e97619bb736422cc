package dev.keyless.cli.admin;

import picocli.CommandLine.Command;

/** {@code keyless admin servers list|get|create|delete|enrollment-tokens}. */
@Command(name = "servers", description = "Workload servers.", subcommands = ServerEnrollmentTokensCommand.class)
public final class ServersCommand extends ResourceCommand {
    @Override
    String resource() {
        return "servers";
    }

    @Override
    String[] listFields() {
        return new String[] {"address", "port", "labels"};
    }
}

package dev.keyless.cli.admin;

import picocli.CommandLine.Command;

/** {@code keyless admin connections list|get|create|delete}. */
@Command(name = "connections", description = "Workload connections.")
public final class ConnectionsCommand extends ResourceCommand {
    @Override
    String resource() {
        return "connections";
    }

    @Override
    String[] listFields() {
        return new String[] {"provider", "state", "issuer"};
    }
}

package dev.keyless.cli.admin;

import picocli.CommandLine.Command;

/** {@code keyless admin roles list|get|create|delete}. */
@Command(name = "roles", description = "Workload roles.")
public final class RolesCommand extends ResourceCommand {
    @Override
    String resource() {
        return "roles";
    }

    @Override
    String[] listFields() {
        return new String[] {"connection", "principal"};
    }
}

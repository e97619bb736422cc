package dev.keyless.cli.admin;

import picocli.CommandLine.Command;

/** {@code keyless admin policies list|get|create|delete}. */
@Command(name = "policies", description = "Workload policies.")
public final class PoliciesCommand extends ResourceCommand {
    @Override
    String resource() {
        return "policies";
    }

    @Override
    String[] listFields() {
        return new String[] {"roles", "session_ttl_seconds"};
    }
}

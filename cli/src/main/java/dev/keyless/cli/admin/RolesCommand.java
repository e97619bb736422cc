package dev.keyless.cli.admin;

import java.util.List;
import picocli.CommandLine.Command;

/** {@code keyless admin roles list|get|create|update|delete}. */
@Command(
        name = "roles",
        description = "Workload roles: the claim conditions that map a connection's tokens to wl_<role>.",
        footerHeading = "%nExamples:%n",
        footer = {"  keyless admin roles list", "  keyless admin roles create -f deployer-role.yaml"})
public final class RolesCommand extends ResourceCommand {
    @Override
    String singular() {
        return "role";
    }

    @Override
    String deleteConsequence() {
        return ", which ends its live sessions";
    }

    @Override
    String resource() {
        return "roles";
    }

    @Override
    List<String> columns() {
        return List.of("name", "connection", "principal", "claims");
    }
}

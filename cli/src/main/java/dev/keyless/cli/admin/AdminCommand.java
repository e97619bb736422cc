package dev.keyless.cli.admin;

import picocli.CommandLine.Command;

/** {@code keyless admin ...}: connections, roles, policies, servers and audit, for humans. */
@Command(
        name = "admin",
        description = "Administer connections, roles, policies, servers; read the audit trail.",
        subcommands = {
            ConnectionsCommand.class,
            RolesCommand.class,
            PoliciesCommand.class,
            ServersCommand.class,
            AuditCommand.class,
            SecretsAdminCommand.class
        })
public final class AdminCommand {
    private AdminCommand() {}
}

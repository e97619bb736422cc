package dev.keyless.cli.admin;

import picocli.CommandLine.Command;

/**
 * {@code keyless admin ...}: the whole admin API, for humans and scripts. Each group is one class
 * in this package, registered here with one line.
 */
@Command(
        name = "admin",
        description = "Administer teams, admins, connections, roles, policies, servers and sessions; read the audit"
                + " trail; apply or export a team's configuration as code.",
        footerHeading = "%nExamples:%n",
        footer = {
            "  export KEYLESS_SERVICE_URL=https://keyless.example.com KEYLESS_TEAM=acme KEYLESS_ADMIN_TOKEN=...",
            "  keyless admin connections list",
            "  keyless admin apply -f team.yaml"
        },
        subcommands = {
            TeamsCommand.class,
            MasterKeyCommand.class,
            AdminsCommand.class,
            AdminTokensCommand.class,
            SsoCommand.class,
            ConnectionsCommand.class,
            RolesCommand.class,
            PoliciesCommand.class,
            ServersCommand.class,
            SessionsCommand.class,
            AuditCommand.class,
            SecretsAdminCommand.class,
            ApplyCommand.class,
            ExportCommand.class
        })
public final class AdminCommand {
    private AdminCommand() {}
}

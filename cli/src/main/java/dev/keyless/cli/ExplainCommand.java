package dev.keyless.cli;

import dev.keyless.protocol.ConnectionRequests.CheckResult;
import dev.keyless.protocol.ConnectionRequests.ValidationReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code keyless explain}: sends this job's platform token to the connection's test endpoint (an
 * admin call; nothing is issued and the token is not consumed) and prints each check and which
 * roles match.
 */
@Command(
        name = "explain",
        description = "Show which connection checks and role conditions this job's token passes.",
        footerHeading = "%nExamples:%n",
        footer = {"  KEYLESS_ADMIN_TOKEN=... keyless explain --connection github"})
public final class ExplainCommand extends WorkloadCommand {
    @Option(
            names = "--admin-token-env",
            paramLabel = "VAR",
            defaultValue = "KEYLESS_ADMIN_TOKEN",
            description = "Variable holding an admin token (default ${DEFAULT-VALUE}).")
    String adminTokenEnv;

    @Override
    public Integer call() {
        Context ctx = ctx();
        String admin = ctx.env().get(adminTokenEnv);
        if (admin == null || admin.isBlank()) {
            throw new UsageException("explain needs an admin token in $" + adminTokenEnv + " (--admin-token-env)");
        }
        ctx.masker().register(admin);
        String audience = token.audience(service);
        String jwt = ctx.masker().register(source().fetch(audience));
        ValidationReport report = client().testConnection(admin, token.connection(), jwt);
        ctx.out()
                .println(ctx.masker()
                        .mask("connection " + report.connection() + ": "
                                + (report.valid() ? "token accepted" : "token REFUSED")));
        if (report.checks() != null) {
            for (CheckResult c : report.checks()) {
                ctx.out()
                        .println(ctx.masker()
                                .mask(String.format(
                                        "  %-4s %-32s %s",
                                        c.passed() ? "ok" : "FAIL", c.check(), c.detail() == null ? "" : c.detail())));
            }
        }
        boolean matched =
                report.matchingRoles() != null && !report.matchingRoles().isEmpty();
        ctx.out().println("matching roles: " + (matched ? String.join(", ", report.matchingRoles()) : "none"));
        ctx.out().flush();
        return report.valid() && matched ? ExitCodes.OK : ExitCodes.REFUSED;
    }
}

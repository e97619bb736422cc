package dev.keyless.cli;

import dev.keyless.protocol.ConnectionRequests.CheckResult;
import dev.keyless.protocol.ConnectionRequests.ValidationReport;
import dev.keyless.protocol.WorkloadQueries.ExplainReport;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code keyless explain}: which of this job's own checks pass. By default it asks the service's
 * workload explain endpoint with the platform token (no admin token; nothing is issued and the
 * token is not consumed, so the job can still exchange it): the connection's token checks, then
 * the hinted role's conditions by claim name, or which roles match. With an admin token it runs
 * the connection test instead, which shows every role's conditions.
 */
@Command(
        name = "explain",
        description = "Show which connection checks and role conditions this job's token passes.",
        footerHeading = "%nExamples:%n",
        footer = {
            "  keyless explain --connection github --role deployer",
            "  KEYLESS_ADMIN_TOKEN=... keyless explain --connection github   # every role, as an admin sees it"
        })
public final class ExplainCommand extends WorkloadCommand {
    @Option(
            names = "--admin-token-env",
            paramLabel = "VAR",
            defaultValue = "KEYLESS_ADMIN_TOKEN",
            description = "Variable holding an admin token (default ${DEFAULT-VALUE}); when it is set, run the"
                    + " admins' connection test instead of the workload's own explain.")
    String adminTokenEnv;

    @Override
    public Integer call() {
        Context ctx = ctx();
        String admin = ctx.env().get(adminTokenEnv);
        String audience = token.audience(service);
        String connection = token.connection();
        String jwt = ctx.masker().register(source().fetch(audience));
        if (admin == null || admin.isBlank()) {
            ExplainReport report = client().explain(connection, jwt, token.role);
            print(ctx, report.connection(), report.ready(), report.checks(), report.matchingRoles());
            return report.ready() ? ExitCodes.OK : ExitCodes.REFUSED;
        }
        ctx.masker().register(admin);
        ValidationReport report = client().testConnection(admin, connection, jwt);
        print(ctx, report.connection(), report.valid(), report.checks(), report.matchingRoles());
        boolean matched =
                report.matchingRoles() != null && !report.matchingRoles().isEmpty();
        return report.valid() && matched ? ExitCodes.OK : ExitCodes.REFUSED;
    }

    private static void print(
            Context ctx, String connection, boolean ok, List<CheckResult> checks, List<String> roles) {
        ctx.out()
                .println(ctx.masker()
                        .mask("connection " + connection + ": " + (ok ? "token accepted" : "token REFUSED")));
        if (checks != null) {
            for (CheckResult c : checks) {
                ctx.out()
                        .println(ctx.masker()
                                .mask(String.format(
                                        "  %-4s %-32s %s",
                                        c.passed() ? "ok" : "FAIL", c.check(), c.detail() == null ? "" : c.detail())));
            }
        }
        boolean matched = roles != null && !roles.isEmpty();
        ctx.out().println("matching roles: " + (matched ? String.join(", ", roles) : "none"));
        ctx.out().flush();
    }
}

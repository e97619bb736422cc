package dev.keyless.cli;

import dev.keyless.client.job.ServerAccess;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code keyless scp [-- SCP-OPTIONS] SOURCE... TARGET}: copies files with the real {@code scp},
 * after a certificate for every server named as {@code [wl_ROLE@]server:path} or {@code
 * scp://[wl_ROLE@]server/path} in the arguments ({@link ScpTargets} says what a user means here).
 */
@Command(
        name = "scp",
        description = "Copy files to or from servers with scp ([wl_ROLE@]SERVER:PATH names a remote file).",
        footerHeading = "%nExamples:%n",
        footer = {
            "  keyless scp dist/app.tar.gz web-01:/tmp/",
            "  keyless scp -- -r web-01:/var/log/app ./logs",
            "  keyless scp app.tar.gz wl_deployer@web-01:/tmp/   # as --role deployer; no other user can be"
        })
public final class ScpCommand extends JobCommand {
    @Parameters(arity = "2..*", paramLabel = "ARG", description = "scp's arguments: sources, then the target.")
    List<String> args;

    private ScpTargets targets;

    @Override
    public Integer call() throws InterruptedException {
        targets = ScpTargets.of(args);
        if (targets.role() != null) {
            if (token.role != null && !token.role.equals(targets.role())) {
                throw new UsageException(
                        targets.user() + "@ names role '" + targets.role() + "' but --role is '" + token.role + "'");
            }
            token.role = targets.role();
        }
        // "scp" resolves to the job's wrapper (bin/ is first on PATH), which adds -F ssh_config.
        List<String> argv = new ArrayList<>(List.of("scp"));
        argv.addAll(args);
        return runJob(List.copyOf(targets.servers()), argv);
    }

    /** A {@code wl_ROLE@} must be the account the certificate is for (a KEYLESS_TOKEN of another role is not). */
    @Override
    void beforeRun(List<ServerAccess> servers) {
        if (targets.user() == null) {
            return;
        }
        for (ServerAccess s : servers) {
            if (!targets.user().equals(s.principal())) {
                throw new UsageException("the arguments name " + targets.user() + "@" + s.name() + " but this job's"
                        + " certificate logs in as " + s.principal() + " (its role): write " + s.principal() + "@"
                        + s.name() + ": or leave the user out");
            }
        }
    }
}

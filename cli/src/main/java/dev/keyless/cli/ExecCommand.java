package dev.keyless.cli;

import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code keyless exec --server S [--server S2] [--role R] -- CMD ARGS...}: exchange, a certificate
 * per server, wait for READY, run CMD with the job's ssh environment, close everything. The exit
 * code is CMD's.
 */
@Command(
        name = "exec",
        description = "Run a command with SSH access to the given servers; exit with its code.",
        footerHeading = "%nExamples:%n",
        footer = {
            "  keyless exec --server web-01 --server web-02 --role deployer -- ./deploy.sh",
            "  keyless exec --server web-01 -- ssh web-01 sudo systemctl restart app"
        })
public final class ExecCommand extends JobCommand {
    @Option(
            names = "--server",
            paramLabel = "NAME",
            split = ",",
            description = "Server to reach (repeatable or comma-separated; env KEYLESS_SERVERS).")
    List<String> servers;

    @Parameters(arity = "1..*", paramLabel = "CMD", description = "The command and its arguments, after --.")
    List<String> command;

    @Override
    public Integer call() throws InterruptedException {
        return runJob(servers == null ? List.of() : servers, command);
    }
}

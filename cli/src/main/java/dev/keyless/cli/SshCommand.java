package dev.keyless.cli;

import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code keyless ssh SERVER [-- COMMAND]}: one server, an interactive shell or one command. */
@Command(
        name = "ssh",
        description = "Open an SSH session (or run one command) on a server.",
        footerHeading = "%nExamples:%n",
        footer = {"  keyless ssh web-01", "  keyless ssh web-01 -- uptime"})
public final class SshCommand extends JobCommand {
    @Parameters(index = "0", paramLabel = "SERVER", description = "Server name.")
    String server;

    @Parameters(index = "1..*", paramLabel = "COMMAND", description = "Remote command, after --.")
    List<String> remote;

    @Override
    public Integer call() throws InterruptedException {
        // "ssh" resolves to the job's wrapper (bin/ is first on PATH), which adds -F ssh_config.
        List<String> argv = new ArrayList<>(List.of("ssh", server));
        if (remote != null) {
            argv.addAll(remote);
        }
        return runJob(List.of(server), argv);
    }
}

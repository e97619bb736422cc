package dev.keyless.cli;

import dev.keyless.client.Masker;
import dev.keyless.client.job.KeylessJob;
import dev.keyless.client.secrets.JobSecrets;
import dev.keyless.client.secrets.SecretBinding;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
            "  keyless exec --server web-01 -- ssh web-01 sudo systemctl restart app",
            "  keyless exec --server web-01 --secret DB_PASSWORD=/ci/app/db --mask-output -- ./migrate.sh"
        })
public final class ExecCommand extends JobCommand {
    @Option(
            names = "--server",
            paramLabel = "NAME",
            split = ",",
            description = "Server to reach (repeatable or comma-separated; env KEYLESS_SERVERS).")
    List<String> servers;

    @Option(
            names = "--secret",
            paramLabel = "ENV=/folder/name",
            description = "Reveal a secret into the command's environment (repeatable); a multi-line or binary"
                    + " value goes to a 0600 file in the job's directory named by ENV_FILE instead.")
    List<String> secrets;

    @Option(
            names = "--mask-output",
            description = "Pass the command's stdout and stderr through the masker, line by line: every token"
                    + " and revealed secret is shown as ***. For logs the platform cannot mask (a Jenkins shared"
                    + " library); a line is shown when its newline arrives.")
    boolean maskOutput;

    @Parameters(arity = "1..*", paramLabel = "CMD", description = "The command and its arguments, after --.")
    List<String> command;

    private List<SecretBinding> bindings = List.of();

    @Override
    public Integer call() throws InterruptedException {
        // Parsed before anything is exchanged, so a typo costs no platform token.
        bindings = secrets == null
                ? List.of()
                : secrets.stream().map(ExecCommand::binding).toList();
        return runJob(servers == null ? List.of() : servers, command);
    }

    @Override
    Map<String, String> commandEnvironment(KeylessJob job) {
        if (bindings.isEmpty()) {
            return ctx().env();
        }
        Map<String, String> env = new HashMap<>(ctx().env());
        env.putAll(JobSecrets.reveal(client(), job.accessToken(), bindings, job.directory(), ctx().masker()));
        return env;
    }

    @Override
    Masker outputMasker() {
        return maskOutput ? ctx().masker() : null;
    }

    private static SecretBinding binding(String text) {
        try {
            return SecretBinding.parse(text);
        } catch (IllegalArgumentException e) {
            throw new UsageException("--secret: " + e.getMessage());
        }
    }
}

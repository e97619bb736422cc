package dev.keyless.cli;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code keyless scp [-- SCP-OPTIONS] SOURCE... TARGET}: copies files with the real {@code scp},
 * after a certificate for every server named as {@code server:path} in the arguments.
 */
@Command(
        name = "scp",
        description = "Copy files to or from servers with scp (SERVER:PATH names a remote file).",
        footerHeading = "%nExamples:%n",
        footer = {"  keyless scp dist/app.tar.gz web-01:/tmp/", "  keyless scp -- -r web-01:/var/log/app ./logs"})
public final class ScpCommand extends JobCommand {
    /** {@code server:path}, as scp reads it: a name before the first colon, no slash before it. */
    private static final Pattern REMOTE = Pattern.compile("^([a-z0-9][a-z0-9._-]{0,62}):.*", Pattern.DOTALL);

    @Parameters(arity = "2..*", paramLabel = "ARG", description = "scp's arguments: sources, then the target.")
    List<String> args;

    @Override
    public Integer call() throws InterruptedException {
        Set<String> servers = new LinkedHashSet<>();
        for (String arg : args) {
            Matcher m = REMOTE.matcher(arg);
            if (!arg.startsWith("-") && m.matches()) {
                servers.add(m.group(1));
            }
        }
        if (servers.isEmpty()) {
            throw new UsageException("no SERVER:PATH among the arguments: name at least one remote file");
        }
        // "scp" resolves to the job's wrapper (bin/ is first on PATH), which adds -F ssh_config.
        List<String> argv = new ArrayList<>(List.of("scp"));
        argv.addAll(args);
        return runJob(List.copyOf(servers), argv);
    }
}

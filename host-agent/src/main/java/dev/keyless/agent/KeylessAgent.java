package dev.keyless.agent;

import dev.keyless.agent.cli.EnrollCommand;
import dev.keyless.agent.cli.PamHookCommand;
import dev.keyless.agent.cli.RunCommand;
import dev.keyless.agent.cli.StatusCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code keyless-agent}: the host agent's command line. */
@Command(
        name = "keyless-agent",
        mixinStandardHelpOptions = true,
        version = "keyless-agent 0.1.0",
        description = "Keyless host agent: just-in-time wl_ accounts, per-session sudo and sshd trust.",
        subcommands = {EnrollCommand.class, RunCommand.class, StatusCommand.class, PamHookCommand.class})
public final class KeylessAgent implements Runnable {
    public static void main(String[] args) {
        System.setProperty("java.util.logging.SimpleFormatter.format", "%1$tFT%1$tT.%1$tLZ %4$s %5$s%6$s%n");
        System.exit(commandLine().execute(args));
    }

    public static CommandLine commandLine() {
        return new CommandLine(new KeylessAgent());
    }

    @Override
    public void run() {
        CommandLine.usage(this, System.out);
    }
}

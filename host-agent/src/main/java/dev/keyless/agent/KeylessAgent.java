package dev.keyless.agent;

import dev.keyless.agent.api.AgentVersion;
import dev.keyless.agent.cli.ConfigFile;
import dev.keyless.agent.cli.EnrollCommand;
import dev.keyless.agent.cli.PamHookCommand;
import dev.keyless.agent.cli.RunCommand;
import dev.keyless.agent.cli.StatusCommand;
import java.nio.file.Path;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code keyless-agent}: the host agent's command line. */
@Command(
        name = "keyless-agent",
        mixinStandardHelpOptions = true,
        versionProvider = KeylessAgent.Version.class,
        description = "Keyless host agent: just-in-time wl_ accounts, per-session sudo and sshd trust.",
        subcommands = {EnrollCommand.class, RunCommand.class, StatusCommand.class, PamHookCommand.class})
public final class KeylessAgent implements Runnable {
    /** {@code keyless-agent --version}: the version the agent also reports to the service. */
    public static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"keyless-agent " + AgentVersion.CURRENT};
        }
    }

    public static void main(String[] args) {
        System.setProperty("java.util.logging.SimpleFormatter.format", "%1$tFT%1$tT.%1$tLZ %4$s %5$s%6$s%n");
        String config = System.getenv("KEYLESS_AGENT_CONFIG");
        CommandLine commandLine;
        try {
            commandLine = commandLine(config == null || config.isBlank() ? ConfigFile.DEFAULT : Path.of(config));
        } catch (IllegalArgumentException e) {
            System.err.println("keyless-agent: " + e.getMessage());
            System.exit(2);
            return;
        }
        System.exit(commandLine.execute(args));
    }

    /** Without a configuration file: the built-in defaults (tests). */
    public static CommandLine commandLine() {
        return new CommandLine(new KeylessAgent());
    }

    /** With the defaults in {@code config} (see {@link ConfigFile}), if it exists. */
    public static CommandLine commandLine(Path config) {
        CommandLine commandLine = commandLine();
        commandLine.setDefaultValueProvider(ConfigFile.load(config, commandLine));
        return commandLine;
    }

    @Override
    public void run() {
        CommandLine.usage(this, System.out);
    }
}

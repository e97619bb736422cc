package dev.keyless.cli;

import dev.keyless.cli.admin.AdminCommand;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/** {@code keyless}: SSH access for CI jobs without stored credentials. Entry point of the jar. */
@Command(
        name = "keyless",
        mixinStandardHelpOptions = true,
        versionProvider = VersionCommand.Provider.class,
        description = "SSH access for CI jobs from their platform's OIDC token: no key, no secret.",
        subcommands = {
            AuthenticateCommand.class,
            ExecCommand.class,
            SshCommand.class,
            SessionsCommand.class,
            SecretsCommand.class,
            DoctorCommand.class,
            ExplainCommand.class,
            AdminCommand.class,
            VersionCommand.class,
            CommandLine.HelpCommand.class
        })
public final class KeylessCli implements Runnable {
    private final Context context;

    @CommandLine.Spec
    CommandSpec spec;

    @Option(
            names = "--debug",
            scope = ScopeType.INHERIT,
            description = "Show each step with its duration on stderr (never a secret; env KEYLESS_DEBUG).")
    void debug(boolean on) {
        context.debug(on);
    }

    KeylessCli(Context context) {
        this.context = context;
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a subcommand is required");
    }

    public static void main(String[] args) {
        PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
        PrintWriter err = new PrintWriter(System.err, true, StandardCharsets.UTF_8);
        int code = run(args, System.getenv(), out, err);
        out.flush();
        err.flush();
        System.exit(code);
    }

    /** Runs the CLI in-process with an injected environment and writers; returns the exit code. */
    public static int run(String[] args, Map<String, String> env, PrintWriter out, PrintWriter err) {
        Context ctx = new Context(env, out, err);
        Failures failures = new Failures(ctx);
        CommandLine cli = new CommandLine(new KeylessCli(ctx))
                .setDefaultValueProvider(new EnvDefaults(env))
                .setOut(out)
                .setErr(err)
                .setExecutionExceptionHandler(failures)
                .setParameterExceptionHandler(failures);
        return cli.execute(args);
    }

    /** The context of the CLI that runs {@code spec}'s command. */
    public static Context context(CommandSpec spec) {
        return ((KeylessCli) spec.root().userObject()).context;
    }
}

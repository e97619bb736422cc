package dev.keyless.cli;

import dev.keyless.cli.admin.AdminCommand;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
        footerHeading = "%nExamples:%n",
        footer = {
            "  keyless exec --server web-01 -- ./deploy.sh",
            "  keyless admin connections list",
            "  keyless <command> --help        # each command's options and examples"
        })
public final class KeylessCli implements Runnable {
    /**
     * The subcommands in the order help lists them ({@code help} last, picocli's own). Added by
     * {@link #commandLine(Context, String)}, not by {@code @Command(subcommands)}, so that a run
     * builds only the one it runs.
     */
    private static final List<Class<?>> COMMANDS = List.of(
            AuthenticateCommand.class,
            ExecCommand.class,
            SshCommand.class,
            ScpCommand.class,
            SshConfigCommand.class,
            AnsibleInventoryCommand.class,
            SessionsCommand.class,
            SecretsCommand.class,
            DoctorCommand.class,
            ExplainCommand.class,
            VersionCommand.class,
            AdminCommand.class);

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

    /** When {@link #main} began ({@link System#nanoTime}), for {@code --debug}'s first step. */
    static volatile long mainStarted = System.nanoTime();

    public static void main(String[] args) {
        mainStarted = System.nanoTime();
        if (callsTheService(args)) {
            warmUp();
        }
        PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
        PrintWriter err = new PrintWriter(System.err, true, StandardCharsets.UTF_8);
        int code = run(args, System.getenv(), out, err);
        out.flush();
        err.flush();
        System.exit(code);
    }

    private static final java.util.Set<String> WORKLOAD_COMMANDS =
            java.util.Set.of("exec", "ssh", "scp", "authenticate", "ssh-config", "ansible-inventory", "secrets");

    private static boolean callsTheService(String[] args) {
        return subcommand(args).filter(WORKLOAD_COMMANDS::contains).isPresent();
    }

    /** The subcommand {@code args} name: the first word that is no option (the root's take no value). */
    private static Optional<String> subcommand(String[] args) {
        return Arrays.stream(args).filter(a -> !a.startsWith("-")).findFirst();
    }

    /**
     * Loads on the second core what the first HTTP call and its JSON need (about a hundred ms of
     * class loading) while picocli builds the command tree on the first. The JDK's default TLS
     * context too: every {@code HttpClient} asks for it when it is built (also for a plain-HTTP
     * service), and it reads the JDK's trust store; the token endpoints of the platforms are HTTPS.
     * No network I/O, no state of ours.
     */
    private static void warmUp() {
        Thread t = new Thread(
                () -> {
                    try {
                        dev.keyless.client.Json.mapper().readTree("{\"warm\":[1,\"up\"]}");
                        java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1/"))
                                .header("Accept", "application/json")
                                .build();
                        java.net.http.HttpClient.newBuilder();
                        javax.net.ssl.SSLContext.getDefault().getDefaultSSLParameters();
                    } catch (java.io.IOException | java.security.GeneralSecurityException | RuntimeException ignored) {
                        // only a head start: the real call loads what this did not
                    }
                },
                "keyless-warm-up");
        t.setDaemon(true);
        t.start();
    }

    /** Runs the CLI in-process with an injected environment and writers; returns the exit code. */
    public static int run(String[] args, Map<String, String> env, PrintWriter out, PrintWriter err) {
        return run(args, new Context(env, out, err));
    }

    /** Runs the CLI in-process with {@code ctx} (its terminal too); returns the exit code. */
    public static int run(String[] args, Context ctx) {
        return commandLine(ctx, subcommand(args).orElse(null)).execute(args);
    }

    /**
     * The whole command tree for {@code ctx}: defaults from its environment, {@code -h}/{@code
     * --help} on every command and subcommand, failures reported by {@link Failures}. Also what the
     * build renders the man pages, the completion script and the README's command reference from.
     */
    public static CommandLine commandLine(Context ctx) {
        return commandLine(ctx, null);
    }

    /**
     * With {@code invoked} one of the subcommands, every other is a stand-in with its name, aliases
     * and purpose only (what the root's help and picocli's suggestions show): building a command
     * reflects over every option and mixin it has, about 0.2 s for {@code admin}'s 50 and the half
     * of a CI job's JVM set-up for the eleven others, for nothing. With {@code invoked} null or no
     * subcommand ({@code help}, a typo), the whole tree.
     */
    private static CommandLine commandLine(Context ctx, String invoked) {
        boolean whole = COMMANDS.stream().noneMatch(c -> isNamed(c, invoked));
        Failures failures = new Failures(ctx);
        CommandLine cli = new CommandLine(new KeylessCli(ctx));
        for (Class<?> command : COMMANDS) {
            cli.addSubcommand(whole || isNamed(command, invoked) ? new CommandLine(command) : standIn(command));
        }
        cli.addSubcommand("help", new CommandLine.HelpCommand());
        cli.setDefaultValueProvider(new EnvDefaults(ctx.env()))
                .setCaseInsensitiveEnumValuesAllowed(true)
                .setOut(ctx.out())
                .setErr(ctx.errWriter())
                .setExecutionExceptionHandler(failures)
                .setParameterExceptionHandler(failures);
        addHelp(cli);
        return cli;
    }

    private static boolean isNamed(Class<?> command, String word) {
        Command c = command.getAnnotation(Command.class);
        return c.name().equals(word) || Arrays.asList(c.aliases()).contains(word);
    }

    private static CommandLine standIn(Class<?> command) {
        Command real = command.getAnnotation(Command.class);
        CommandSpec spec = CommandSpec.create().name(real.name()).aliases(real.aliases());
        spec.usageMessage().description(real.description()).hidden(real.hidden());
        return new CommandLine(spec);
    }

    /** Adds {@code -h}/{@code --help} where a command has none, so no new command can miss it. */
    private static void addHelp(CommandLine cmd) {
        CommandSpec spec = cmd.getCommandSpec();
        if (spec.findOption("--help") == null && spec.findOption("-h") == null) {
            spec.addMixin("help", CommandSpec.forAnnotatedObject(new HelpOption()));
        }
        cmd.getSubcommands().values().stream().distinct().forEach(KeylessCli::addHelp);
    }

    /** The {@code -h}/{@code --help} option every command gets. */
    static final class HelpOption {
        @Option(
                names = {"-h", "--help"},
                usageHelp = true,
                description = "Show this help (purpose, options, examples) and exit.")
        boolean help;
    }

    /** The context of the CLI that runs {@code spec}'s command. */
    public static Context context(CommandSpec spec) {
        return ((KeylessCli) spec.root().userObject()).context;
    }
}

package dev.keyless.cli;

import dev.keyless.cli.sshconfig.AgentControl;
import dev.keyless.cli.sshconfig.JobStateDir;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code keyless ssh-config [--server S...] | --stop}: starts (or reuses) this job's background
 * agent, which holds the in-memory keys and certificates and has written the job's ssh config, and
 * prints the shell lines that make plain {@code ssh}, {@code scp}, {@code rsync}, {@code git} and
 * {@code ansible-playbook} use it. The agent is this jar in a second JVM ({@link SshConfigAgent});
 * this command only starts it and talks to its control socket.
 */
@Command(
        name = "ssh-config",
        description = "Set up ssh for the rest of the job: a background agent, a job-scoped ssh config.",
        footerHeading = "%nExamples:%n",
        footer = {
            "  # it prints shell lines for eval:",
            "  eval \"$(keyless ssh-config --server web-01 --server web-02)\"",
            "  ssh web-01 uptime; rsync -a -e ssh dist/ web-02:/srv/app/; ansible-playbook -i web-01, site.yml",
            "  keyless ssh-config --stop     # at job end: closes the sessions, removes every file"
        })
public final class SshConfigCommand extends JobCommand {
    /** How long the first start may take: exchange, certificates, READY for each server. */
    static final Duration START_LIMIT = Duration.ofMinutes(5);

    @Option(
            names = "--server",
            paramLabel = "NAME",
            split = ",",
            description = "Server to reach (repeatable or comma-separated; env KEYLESS_SERVERS);"
                    + " default: every server the role may reach.")
    List<String> servers;

    @Option(names = "--stop", description = "Close the sessions, stop the agent and remove its files.")
    boolean stop;

    @Option(
            names = "--github-env",
            description = "Instead of printing shell lines, append the variables to $GITHUB_ENV and the wrappers'"
                    + " directory to $GITHUB_PATH, so every later step of a GitHub Actions job has them.")
    boolean githubEnv;

    @Option(names = "--serve", hidden = true, description = "Run as the background agent (internal).")
    boolean serve;

    @Override
    public Integer call() throws Exception {
        Context ctx = ctx();
        JobStateDir state = JobStateDir.of(ctx.env());
        AgentControl control = new AgentControl(state.controlSocket());
        if (serve) {
            return new SshConfigAgent(this, state).run();
        }
        if (stop) {
            return stop(ctx, state, control);
        }
        if (control.alive()) {
            List<String> wanted = servers == null ? List.of() : servers;
            if (!wanted.isEmpty()) {
                call(control, "ADD " + String.join(" ", wanted));
            }
            ctx.debug("reused the running agent in " + state.path(), Duration.ZERO);
        } else {
            try {
                start(ctx, state);
            } catch (AgentFailed e) {
                return e.exitCode;
            }
        }
        List<String> env = call(control, "ENV");
        if (githubEnv) {
            github(ctx, env);
        } else {
            print(ctx, env);
        }
        return ExitCodes.OK;
    }

    /** The lines for {@code eval}: each variable, and {@code PATH} with the wrappers first. */
    private static void print(Context ctx, List<String> env) {
        for (String line : env) {
            int eq = line.indexOf('=');
            String name = line.substring(0, eq);
            String value = line.substring(eq + 1);
            if (name.equals("PATH")) {
                ctx.out().println("export PATH=" + shellQuote(value) + ":\"$PATH\"");
            } else {
                ctx.out().println("export " + name + "=" + shellQuote(value));
            }
        }
        ctx.out().flush();
    }

    /** {@code NAME=VALUE} lines to {@code $GITHUB_ENV}, the {@code bin/} directory to {@code $GITHUB_PATH}. */
    private static void github(Context ctx, List<String> env) throws IOException {
        String envFile = ctx.env().get("GITHUB_ENV");
        String pathFile = ctx.env().get("GITHUB_PATH");
        if (envFile == null || pathFile == null) {
            throw new UsageException("--github-env needs GITHUB_ENV and GITHUB_PATH (a GitHub Actions step)");
        }
        StringBuilder vars = new StringBuilder();
        StringBuilder path = new StringBuilder();
        for (String line : env) {
            if (line.startsWith("PATH=")) {
                path.append(line.substring("PATH=".length())).append('\n');
            } else {
                vars.append(line).append('\n');
            }
        }
        Files.writeString(
                Path.of(envFile),
                vars,
                StandardCharsets.UTF_8,
                java.nio.file.StandardOpenOption.CREATE,
                java.nio.file.StandardOpenOption.APPEND);
        Files.writeString(
                Path.of(pathFile),
                path,
                StandardCharsets.UTF_8,
                java.nio.file.StandardOpenOption.CREATE,
                java.nio.file.StandardOpenOption.APPEND);
        ctx.error("keyless: ssh-config variables added to $GITHUB_ENV and $GITHUB_PATH for the later steps");
    }

    private static List<String> call(AgentControl control, String request) {
        try {
            return control.call(request);
        } catch (AgentControl.AgentException e) {
            throw new IllegalStateException("ssh-config agent: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new IllegalStateException("could not reach the ssh-config agent: " + e.getMessage(), e);
        }
    }

    /**
     * Starts the agent: this jar again with {@code --serve}, in its own session ({@code setsid}
     * where there is one) so a terminal's Ctrl-C or the step's shell ending does not reach it. It
     * prints {@code READY} once every session is; its stderr is relayed until then.
     */
    private void start(Context ctx, JobStateDir state) throws IOException, InterruptedException {
        state.create();
        List<String> argv = new ArrayList<>();
        Optional<Path> setsid =
                dev.keyless.client.ssh.JobSshConfig.which("setsid", ctx.env().get("PATH"));
        setsid.ifPresent(p -> argv.add(p.toString()));
        argv.add(ProcessHandle.current()
                .info()
                .command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        argv.addAll(List.of(
                "-XX:TieredStopAtLevel=1",
                "-XX:+UseSerialGC",
                "-Xmx64m",
                "-cp",
                System.getProperty("java.class.path"),
                KeylessCli.class.getName()));
        argv.addAll(spec.root().commandLine().getParseResult().originalArgs());
        argv.add("--serve");
        ProcessBuilder pb =
                new ProcessBuilder(argv).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        pb.environment().clear();
        pb.environment().putAll(ctx.env());
        Process agent = pb.start();
        Thread relay = new Thread(() -> relay(ctx, agent), "keyless-ssh-config-stderr");
        relay.setDaemon(true);
        relay.start();
        Instant deadline = Instant.now().plus(START_LIMIT);
        try (BufferedReader out =
                new BufferedReader(new InputStreamReader(agent.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = out.readLine()) != null; ) {
                if (line.equals(SshConfigAgent.READY)) {
                    return;
                }
                if (Instant.now().isAfter(deadline)) {
                    break;
                }
            }
        }
        if (!agent.waitFor(START_LIMIT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS)) {
            agent.destroy();
        }
        relay.join(2000);
        int code = agent.isAlive() ? ExitCodes.FAULT : agent.exitValue();
        throw new AgentFailed(code);
    }

    private static void relay(Context ctx, Process agent) {
        try (BufferedReader err =
                new BufferedReader(new InputStreamReader(agent.getErrorStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = err.readLine()) != null; ) {
                ctx.error(line);
            }
        } catch (IOException e) {
            // The agent closed its stderr: nothing more to relay.
        }
    }

    private static int stop(Context ctx, JobStateDir state, AgentControl control) throws IOException {
        if (control.alive()) {
            call(control, "STOP");
            ctx.error("keyless: ssh-config agent stopped, its sessions closed and its files removed");
        } else if (Files.exists(state.path())) {
            ctx.error("keyless: no ssh-config agent was running; removed " + state.path());
        } else {
            ctx.error("keyless: no ssh-config agent was running");
        }
        SshConfigAgent.deleteTree(state.path());
        return ExitCodes.OK;
    }

    static String shellQuote(String s) {
        return dev.keyless.client.ssh.JobSshConfig.shellQuote(s);
    }

    /** The agent could not start; it has said why on stderr already. */
    static final class AgentFailed extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final int exitCode;

        AgentFailed(int exitCode) {
            super("the ssh-config agent did not start (exit " + exitCode + ")");
            this.exitCode = exitCode;
        }
    }
}

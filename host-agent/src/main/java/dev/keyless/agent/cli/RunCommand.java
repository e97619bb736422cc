package dev.keyless.agent.cli;

import dev.keyless.agent.AgentRuntime;
import dev.keyless.agent.core.AgentLoop;
import dev.keyless.agent.core.UidRange;
import dev.keyless.agent.metrics.AgentMetrics;
import dev.keyless.agent.metrics.MetricsServer;
import dev.keyless.agent.os.TrustSettings;
import dev.keyless.agent.state.AgentState;
import dev.keyless.agent.state.StateStore;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The daemon. */
@Command(name = "run", description = "Run the agent: follow the service's events and keep the host in step.")
public final class RunCommand implements Callable<Integer> {
    @Option(names = "--state-dir", defaultValue = "/var/lib/keyless-agent")
    Path stateDir;

    @Option(
            names = "--sshd-config-dir",
            defaultValue = "/etc/ssh/sshd_config.d",
            description = "where keyless.conf goes")
    Path sshdConfigDir;

    @Option(names = "--sshd-config", defaultValue = "/etc/ssh/sshd_config", description = "checked with sshd -t -f")
    Path sshdConfig;

    @Option(names = "--sshd-binary", defaultValue = "/usr/sbin/sshd")
    Path sshdBinary;

    @Option(names = "--sshd-pid-file", defaultValue = "/run/sshd.pid", description = "SIGHUP target for reloads")
    Path pidFile;

    @Option(
            names = "--reload-command",
            description = "reload sshd with this command instead (split on spaces, no shell)")
    String reloadCommand;

    @Option(
            names = "--trust-dir",
            defaultValue = "/etc/ssh/keyless",
            description = "user_ca.pub, revoked.krl, principals/")
    Path trustDir;

    @Option(names = "--uid-range", defaultValue = "60000-60999")
    String uidRange;

    @Option(names = "--reconcile-seconds", defaultValue = "5")
    int reconcileSeconds;

    @Option(
            names = "--metrics-port",
            defaultValue = "${env:KEYLESS_AGENT_METRICS_PORT:-0}",
            description = "serve Prometheus metrics on 127.0.0.1:PORT/metrics (0: off, the default)")
    int metricsPort;

    @Override
    public Integer call() throws Exception {
        AgentState state = new StateStore(stateDir).load();
        AgentMetrics metrics = new AgentMetrics();
        MetricsServer metricsServer = metricsPort > 0 ? new MetricsServer(metrics, metricsPort) : null;
        AgentRuntime runtime = new AgentRuntime(
                new AgentRuntime.Settings(
                        stateDir,
                        trust(state),
                        UidRange.parse(uidRange),
                        new AgentLoop.Timings(Duration.ofSeconds(25), Duration.ofSeconds(reconcileSeconds))),
                Clock.systemUTC(),
                metrics);
        AgentLoop loop = runtime.loop();
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            loop.close();
                            if (metricsServer != null) {
                                metricsServer.close();
                            }
                        },
                        "keyless-shutdown"));
        loop.start();
        loop.await();
        return 0;
    }

    private TrustSettings trust(AgentState state) {
        List<String> reload = reloadCommand == null || reloadCommand.isBlank()
                ? List.of()
                : Arrays.asList(reloadCommand.strip().split("\\s+"));
        return new TrustSettings(
                trustDir,
                sshdConfigDir.resolve("keyless.conf"),
                sshdConfig,
                sshdBinary,
                state.hostCertificate == null ? null : Path.of(state.hostCertificate),
                pidFile,
                reload);
    }
}

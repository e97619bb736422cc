package dev.keyless.agent.cli;

import dev.keyless.agent.AgentRuntime;
import dev.keyless.agent.core.AgentLoop;
import dev.keyless.agent.core.UidRange;
import dev.keyless.agent.metrics.AgentMetrics;
import dev.keyless.agent.metrics.MetricsServer;
import dev.keyless.agent.os.SshdConfigVerifier;
import dev.keyless.agent.os.TrustSettings;
import dev.keyless.agent.state.AgentState;
import dev.keyless.agent.state.StateStore;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The daemon. */
@Command(name = "run", description = "Run the agent: follow the service's events and keep the host in step.")
public final class RunCommand implements Callable<Integer> {
    private static final System.Logger LOG = System.getLogger(RunCommand.class.getName());

    @Option(names = "--state-dir", defaultValue = "/var/lib/keyless-agent")
    Path stateDir;

    @Mixin
    SshdOptions sshd;

    @Option(names = "--uid-range", defaultValue = "60000-60999")
    String uidRange;

    @Option(
            names = "--reconcile-seconds",
            defaultValue = "5",
            description = "reconcile this often with a service whose long-poll answers carry no live-session digest"
                    + " (older than this agent)")
    int reconcileSeconds;

    @Option(
            names = "--full-reconcile-seconds",
            defaultValue = "600",
            description = "otherwise reconcile when the answer's digest differs, after a reconnect, and once in"
                    + " this many seconds (±20% jitter)")
    int fullReconcileSeconds;

    @Option(
            names = "--metrics-port",
            defaultValue = "${env:KEYLESS_AGENT_METRICS_PORT:-0}",
            description = "serve Prometheus metrics on 127.0.0.1:PORT/metrics (0: off, the default)")
    int metricsPort;

    @Override
    public Integer call() throws Exception {
        AgentState state = new StateStore(stateDir).load();
        TrustSettings trust = sshd.trust(state, true);
        LOG.log(
                Level.INFO,
                "sshd reload: {0}",
                trust.reloadCommand().isEmpty()
                        ? "SIGHUP to the pid in " + trust.pidFile()
                        : String.join(" ", trust.reloadCommand()));
        AgentMetrics metrics = new AgentMetrics();
        MetricsServer metricsServer = metricsPort > 0 ? new MetricsServer(metrics, metricsPort) : null;
        AgentRuntime runtime = new AgentRuntime(
                new AgentRuntime.Settings(
                        stateDir,
                        trust,
                        UidRange.parse(uidRange),
                        new AgentLoop.Timings(
                                Duration.ofSeconds(25),
                                Duration.ofSeconds(reconcileSeconds),
                                Duration.ofSeconds(fullReconcileSeconds))),
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
        SshdConfigVerifier verifier = new SshdConfigVerifier(trust);
        SshdConfigVerifier.Report report = verifier.verify();
        if (report.inEffect()) {
            LOG.log(Level.INFO, "sshd uses the drop-in {0}", trust.dropIn());
        } else {
            // Loud, not fatal: the agent still keeps accounts and teardown right, and the operator
            // may be fixing sshd_config while it runs.
            LOG.log(Level.ERROR, verifier.explain(report));
        }
        loop.await();
        return 0;
    }
}

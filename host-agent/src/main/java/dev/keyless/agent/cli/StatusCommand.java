package dev.keyless.agent.cli;

import dev.keyless.agent.AgentRuntime;
import dev.keyless.agent.api.AgentApiException;
import dev.keyless.agent.os.LinuxAccounts;
import dev.keyless.agent.os.SshdConfigVerifier;
import dev.keyless.agent.state.AgentState;
import dev.keyless.agent.state.StateStore;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Prints enrolment, service reachability, live sessions, wl_ accounts and whether sshd uses the
 * agent's drop-in (exit 3, with a warning on standard error, when it does not).
 */
@Command(name = "status", description = "Show enrolment, connection to the service, live sessions and accounts.")
public final class StatusCommand implements Callable<Integer> {
    /** Exit status when enrolled but sshd does not use the drop-in: certificate logins fail. */
    static final int DROP_IN_NOT_IN_EFFECT = 3;

    @Option(names = "--state-dir", defaultValue = "/var/lib/keyless-agent")
    Path stateDir;

    @Mixin
    SshdOptions sshd;

    @Override
    public Integer call() {
        StateStore store = new StateStore(stateDir);
        if (!store.exists()) {
            System.out.println("enrolment: not enrolled (no state in " + stateDir + ")");
            return 1;
        }
        AgentState state = store.load();
        System.out.printf(
                "enrolment: agent %s, server %s, team %s, service %s%n",
                state.agentId, state.server, state.team, state.serviceUrl);
        System.out.println("host certificate: " + state.hostCertificate);
        System.out.println("last contact: " + (state.lastContact == null ? "never" : state.lastContact));
        System.out.println("last event: " + state.lastSeq);
        try {
            int live = AgentRuntime.api(stateDir, state, Clock.systemUTC())
                    .liveSessions()
                    .sessions()
                    .size();
            System.out.println("service: reachable, " + live + " live session(s) for this server");
        } catch (AgentApiException e) {
            System.out.println("service: unreachable (" + e.getMessage() + ")");
        }
        System.out.println("sessions on this host: " + state.sessions.size());
        state.sessions.forEach((id, s) -> System.out.printf(
                "  %s %s serial %s valid before %s%n", id, s.principal(), s.serial(), s.validBefore()));
        System.out.println("wl_ accounts: " + String.join(" ", new LinuxAccounts().list()));
        System.out.println("revoked serials in KRL: " + state.revoked.size());
        SshdConfigVerifier verifier = new SshdConfigVerifier(sshd.trust(state, false));
        SshdConfigVerifier.Report report = verifier.verify();
        if (!report.inEffect()) {
            System.out.println("sshd: NOT using the drop-in");
            System.err.println(verifier.explain(report));
            return DROP_IN_NOT_IN_EFFECT;
        }
        System.out.println("sshd: uses the drop-in " + sshd.sshdConfigDir.resolve("keyless.conf") + " (sshd -T)");
        return 0;
    }
}

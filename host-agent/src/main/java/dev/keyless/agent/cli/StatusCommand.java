package dev.keyless.agent.cli;

import dev.keyless.agent.AgentRuntime;
import dev.keyless.agent.api.AgentApiException;
import dev.keyless.agent.os.LinuxAccounts;
import dev.keyless.agent.state.AgentState;
import dev.keyless.agent.state.StateStore;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Prints enrolment, service reachability, live sessions and wl_ accounts. */
@Command(name = "status", description = "Show enrolment, connection to the service, live sessions and accounts.")
public final class StatusCommand implements Callable<Integer> {
    @Option(names = "--state-dir", defaultValue = "/var/lib/keyless-agent")
    Path stateDir;

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
        return 0;
    }
}

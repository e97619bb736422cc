package dev.keyless.service.session;

import dev.keyless.service.policy.PolicyChanged;
import dev.keyless.service.policy.PolicyEngine;
import dev.keyless.service.policy.PolicyRules;
import dev.keyless.service.policy.PolicyService;
import dev.keyless.service.policy.ServerFacts;
import dev.keyless.service.server.ServerService;
import dev.keyless.service.server.TargetServer;
import dev.keyless.service.team.TeamService;
import io.micronaut.runtime.event.annotation.EventListener;
import jakarta.inject.Singleton;
import java.util.List;
import java.util.Optional;

/** After a policy change, revokes each live session whose role lost access to its server. */
@Singleton
final class PolicyRevocation {
    private final TeamService teams;
    private final PolicyService policies;
    private final ServerService servers;
    private final SessionService sessions;

    PolicyRevocation(TeamService teams, PolicyService policies, ServerService servers, SessionService sessions) {
        this.teams = teams;
        this.policies = policies;
        this.servers = servers;
        this.sessions = sessions;
    }

    @EventListener
    void onPolicyChanged(PolicyChanged change) {
        long version = teams.configVersion(change.team());
        List<PolicyRules> rules = policies.rules(change.team(), version);
        for (SshSession s : sessions.live(change.team())) {
            Optional<TargetServer> server = servers.find(change.team(), version, s.server());
            boolean granted = server.isPresent()
                    && PolicyEngine.decide(
                                    s.role(),
                                    new ServerFacts(
                                            server.get().name(), server.get().labels()),
                                    rules)
                            .granted();
            if (!granted) {
                sessions.revokeForPolicyChange(s);
            }
        }
    }
}

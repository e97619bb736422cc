package dev.keyless.service.workload;

import dev.keyless.protocol.WorkloadQueries.ReachableServer;
import dev.keyless.service.policy.PolicyEngine;
import dev.keyless.service.policy.PolicyRules;
import dev.keyless.service.policy.PolicyService;
import dev.keyless.service.policy.ServerFacts;
import dev.keyless.service.server.ServerService;
import jakarta.inject.Singleton;
import java.util.List;

/**
 * The servers a workload's role may reach now: those the policies grant it, decided by the same
 * {@link PolicyEngine#decide} as a certificate request. Other roles' grants and the servers'
 * addresses are not part of the answer.
 */
@Singleton
final class ReachableServers {
    private final ServerService servers;
    private final PolicyService policies;

    ReachableServers(ServerService servers, PolicyService policies) {
        this.servers = servers;
        this.policies = policies;
    }

    List<ReachableServer> of(WorkloadPrincipal who) {
        List<PolicyRules> rules = policies.rules(who.team(), who.configVersion());
        return servers.all(who.team()).stream()
                .filter(s -> PolicyEngine.decide(who.role(), new ServerFacts(s.name(), s.labels()), rules)
                        .granted())
                .map(s -> new ReachableServer(s.name(), s.labels()))
                .toList();
    }
}

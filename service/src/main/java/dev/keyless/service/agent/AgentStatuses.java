package dev.keyless.service.agent;

import dev.keyless.protocol.ServerRequests.AgentStatus;
import dev.keyless.service.db.Db;
import dev.keyless.service.server.ServerAgents;
import jakarta.inject.Singleton;
import java.util.Map;
import java.util.stream.Collectors;

/** The servers' agent status for their views: one read of the team's agents. */
@Singleton
final class AgentStatuses implements ServerAgents {
    private final Db db;

    AgentStatuses(Db db) {
        this.db = db;
    }

    @Override
    public Map<String, AgentStatus> of(String team) {
        return db.read(c -> AgentRepository.ofTeam(c, team)).stream()
                .collect(Collectors.toUnmodifiableMap(
                        Agent::server, a -> new AgentStatus(true, a.enrolledAt(), a.lastSeenAt(), a.agentVersion())));
    }
}

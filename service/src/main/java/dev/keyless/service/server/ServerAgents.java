package dev.keyless.service.server;

import dev.keyless.protocol.ServerRequests.AgentStatus;
import java.util.Map;

/**
 * The agent status of servers, implemented by the agent feature (which depends on servers, so the
 * server views ask through this port rather than reading the agent table).
 */
public interface ServerAgents {
    /** The status of each of the team's servers that has an enrolled agent, by server name. */
    Map<String, AgentStatus> of(String team);
}

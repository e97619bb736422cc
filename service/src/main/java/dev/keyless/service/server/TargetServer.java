package dev.keyless.service.server;

import dev.keyless.protocol.ServerRequests.AgentStatus;
import dev.keyless.protocol.ServerRequests.ServerView;
import java.time.Instant;
import java.util.Map;

/** A server workloads may reach: where clients connect, and labels that policies select on. */
public record TargetServer(
        String team, String name, String address, int port, Map<String, String> labels, Instant createdAt) {
    public ServerView view(AgentStatus agent) {
        return new ServerView(name, address, port, labels, createdAt, agent);
    }
}

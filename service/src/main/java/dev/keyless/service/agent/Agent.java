package dev.keyless.service.agent;

import java.time.Instant;

/**
 * An enrolled host agent: the only party that may act for its server. {@code lastSeenAt} is to the
 * minute (see {@link AgentAuthenticator}); {@code agentVersion} is null for an agent that reported none.
 */
public record Agent(
        String id,
        String team,
        String server,
        String publicKey,
        String hostPublicKey,
        Instant enrolledAt,
        Instant lastSeenAt,
        String agentVersion) {}

package dev.keyless.service.agent;

/** A host agent authenticated by a signed request; it may act only for its own server. */
public record AgentPrincipal(String agentId, String team, String server) {}

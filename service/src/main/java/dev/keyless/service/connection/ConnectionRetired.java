package dev.keyless.service.connection;

/**
 * Published after a connection was deactivated or deleted: the sessions of workloads it vouched
 * for must end, and connections must not know about sessions.
 */
public record ConnectionRetired(String team, String connection, String admin, boolean deleted) {}

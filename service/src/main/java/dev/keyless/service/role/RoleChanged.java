package dev.keyless.service.role;

/**
 * Published after a role was deleted or its connection or claim conditions changed: the sessions
 * issued under the old definition must end, and roles must not know about sessions.
 */
public record RoleChanged(String team, String role, String admin, boolean deleted) {}

package dev.keyless.service.role;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * Which connections a team has, as the role feature needs to know (a role names its connection).
 * Implemented by the connection feature, which already depends on this one: the interface keeps
 * the dependency one way and the {@code workload_connection} table inside its own feature.
 */
public interface ConnectionNames {
    /** Whether the team has a connection of that name, inside the caller's transaction. */
    boolean exists(Connection c, String team, String name) throws SQLException;
}

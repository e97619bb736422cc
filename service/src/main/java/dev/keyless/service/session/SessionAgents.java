package dev.keyless.service.session;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * What a session must tell the agent of its server, inside the transaction of its change: whether
 * the server has an agent (the session then starts {@code PENDING}), and that a session started or
 * ended. Implemented by the agent feature, which depends on this one, so that sessions know nothing
 * of the agents' tables or their event queue.
 */
public interface SessionAgents {
    /** Whether the server has an enrolled agent. */
    boolean hasAgent(Connection c, String team, String server) throws SQLException;

    /** Tells the agent of a server that {@link #hasAgent has one} to provision the session. */
    void started(Connection c, SshSession session) throws SQLException;

    /** Tells the agent of the session's server, if it has one, to tear the session down. */
    void ended(Connection c, SshSession session) throws SQLException;
}

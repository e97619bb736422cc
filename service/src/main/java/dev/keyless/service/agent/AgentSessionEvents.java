package dev.keyless.service.agent;

import dev.keyless.service.session.SessionAgents;
import dev.keyless.service.session.SshSession;
import jakarta.inject.Singleton;
import java.sql.Connection;
import java.sql.SQLException;

/** Sessions starting and ending become events in the queue of their server's agent. */
@Singleton
final class AgentSessionEvents implements SessionAgents {
    private final AgentEventQueue events;

    AgentSessionEvents(AgentEventQueue events) {
        this.events = events;
    }

    @Override
    public boolean hasAgent(Connection c, String team, String server) throws SQLException {
        return AgentRepository.exists(c, team, server);
    }

    @Override
    public void started(Connection c, SshSession session) throws SQLException {
        events.append(c, session.team(), session.server(), AgentEventQueue.SESSION_START, session.id());
    }

    @Override
    public void ended(Connection c, SshSession session) throws SQLException {
        if (AgentRepository.exists(c, session.team(), session.server())) {
            events.append(c, session.team(), session.server(), AgentEventQueue.SESSION_END, session.id());
        }
    }
}

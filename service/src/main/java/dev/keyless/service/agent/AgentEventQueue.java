package dev.keyless.service.agent;

import dev.keyless.protocol.AgentRequests.AgentEvent;
import dev.keyless.protocol.AgentRequests.AgentSession;
import dev.keyless.protocol.SessionState;
import dev.keyless.service.db.Db;
import dev.keyless.service.db.Json;
import jakarta.inject.Singleton;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The per-server event queue agents long-poll. Events live in the database, ordered under a head
 * row lock, so any replica can append and any replica can answer the poll; a local monitor wakes
 * pollers on the appending replica at once, others see the event on their next short re-query.
 */
@Singleton
public class AgentEventQueue {
    public static final String SESSION_START = "session.start";
    public static final String SESSION_END = "session.end";
    private static final Duration REQUERY = Duration.ofMillis(200);
    private static final int PAGE = 100;

    private final Db db;
    private final Clock clock;
    private final Map<String, Object> monitors = new ConcurrentHashMap<>();

    AgentEventQueue(Db db, Clock clock) {
        this.db = db;
        this.clock = clock;
    }

    /** Queues an event for the server's agent, inside the caller's transaction. */
    public void append(Connection c, String team, String server, String type, String sessionId) throws SQLException {
        Db.insertIfAbsent(c, "INSERT INTO agent_event_head (team, server, seq) VALUES (?, ?, 0)", team, server);
        long seq = Db.queryOne(
                                c,
                                "SELECT seq FROM agent_event_head WHERE team = ? AND server = ? FOR UPDATE",
                                rs -> rs.getLong(1),
                                team,
                                server)
                        .orElseThrow()
                + 1;
        Db.update(
                c,
                "INSERT INTO agent_event (team, server, seq, type, session_id, created_at) VALUES (?, ?, ?, ?, ?, ?)",
                team,
                server,
                seq,
                type,
                sessionId,
                clock.instant());
        Db.update(c, "UPDATE agent_event_head SET seq = ? WHERE team = ? AND server = ?", seq, team, server);
        wake(team, server);
    }

    /** Events after {@code after}, waiting up to {@code wait} for the first one. */
    List<AgentEvent> poll(String team, String server, long after, Duration wait) {
        Instant deadline = clock.instant().plus(wait);
        Object monitor = monitor(team, server);
        while (true) {
            List<AgentEvent> events = db.read(c -> page(c, team, server, after));
            Duration left = Duration.between(clock.instant(), deadline);
            if (!events.isEmpty() || left.isNegative() || left.isZero()) {
                return events;
            }
            synchronized (monitor) {
                try {
                    monitor.wait(Math.max(1, Math.min(left.toMillis(), REQUERY.toMillis())));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return List.of();
                }
            }
        }
    }

    private static List<AgentEvent> page(Connection c, String team, String server, long after) throws SQLException {
        return Db.query(
                c,
                "SELECT e.seq, e.type, s.id, s.role, s.principal, s.serial, s.sudo, s.valid_before, s.state"
                        + " FROM agent_event e JOIN ssh_session s ON s.id = e.session_id"
                        + " WHERE e.team = ? AND e.server = ? AND e.seq > ? ORDER BY e.seq LIMIT " + PAGE,
                rs -> new AgentEvent(
                        rs.getLong(1),
                        rs.getString(2),
                        new AgentSession(
                                rs.getString(3),
                                rs.getString(4),
                                rs.getString(5),
                                rs.getString(6),
                                Json.readStrings(rs.getString(7)),
                                Instant.ofEpochMilli(rs.getLong(8)),
                                SessionState.valueOf(rs.getString(9)))),
                team,
                server,
                after);
    }

    private Object monitor(String team, String server) {
        return monitors.computeIfAbsent(team + "/" + server, k -> new Object());
    }

    private void wake(String team, String server) {
        Object monitor = monitor(team, server);
        synchronized (monitor) {
            monitor.notifyAll();
        }
    }
}

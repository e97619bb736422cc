package dev.keyless.service.agent;

import dev.keyless.service.db.Db;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Enrolled agents, one per server. */
public final class AgentRepository {
    private static final String COLUMNS =
            "id, team, server, public_key, host_public_key, enrolled_at, last_seen_at, agent_version";

    private AgentRepository() {}

    public static boolean exists(Connection c, String team, String server) throws SQLException {
        return Db.queryOne(c, "SELECT id FROM agent WHERE team = ? AND server = ?", rs -> rs.getString(1), team, server)
                .isPresent();
    }

    static Optional<Agent> find(Connection c, String id) throws SQLException {
        return Db.queryOne(c, "SELECT " + COLUMNS + " FROM agent WHERE id = ?", AgentRepository::map, id);
    }

    static Optional<Agent> forServer(Connection c, String team, String server) throws SQLException {
        return Db.queryOne(
                c,
                "SELECT " + COLUMNS + " FROM agent WHERE team = ? AND server = ?",
                AgentRepository::map,
                team,
                server);
    }

    /** Enrolling again replaces the server's previous agent and its key. */
    static void replace(Connection c, Agent a) throws SQLException {
        Db.update(c, "DELETE FROM agent WHERE team = ? AND server = ?", a.team(), a.server());
        Db.update(
                c,
                "INSERT INTO agent (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                a.id(),
                a.team(),
                a.server(),
                a.publicKey(),
                a.hostPublicKey(),
                a.enrolledAt(),
                a.lastSeenAt(),
                a.agentVersion());
    }

    static void touch(Connection c, String id, Instant at, String version) throws SQLException {
        Db.update(c, "UPDATE agent SET last_seen_at = ?, agent_version = ? WHERE id = ?", at, version, id);
    }

    /** The team's agents, one per enrolled server. */
    static List<Agent> ofTeam(Connection c, String team) throws SQLException {
        return Db.query(c, "SELECT " + COLUMNS + " FROM agent WHERE team = ?", AgentRepository::map, team);
    }

    /**
     * Claims a signed request's {@code jti} for the agent until {@code keepUntil}; false if it was
     * claimed before. The primary key decides, so replicas agree.
     */
    static boolean claimRequest(Connection c, String agentId, String jti, Instant keepUntil) throws SQLException {
        return Db.insertIfAbsent(
                c, "INSERT INTO agent_request (agent_id, jti, expires_at) VALUES (?, ?, ?)", agentId, jti, keepUntil);
    }

    /** Forgets the claims of requests that could no longer pass the time checks. */
    static int purgeRequests(Connection c, Instant now) throws SQLException {
        return Db.update(c, "DELETE FROM agent_request WHERE expires_at < ?", now);
    }

    private static Agent map(ResultSet rs) throws SQLException {
        return new Agent(
                rs.getString("id"),
                rs.getString("team"),
                rs.getString("server"),
                rs.getString("public_key"),
                rs.getString("host_public_key"),
                Db.instant(rs, "enrolled_at"),
                Db.instant(rs, "last_seen_at"),
                rs.getString("agent_version"));
    }
}

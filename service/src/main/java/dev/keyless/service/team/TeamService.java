package dev.keyless.service.team;

import dev.keyless.protocol.ProblemType;
import dev.keyless.service.db.Db;
import dev.keyless.service.problem.KeylessException;
import jakarta.inject.Singleton;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.util.List;

/**
 * Teams and their configuration version. Every admin change of a team's connections, roles,
 * policies or servers bumps the version in the same transaction, so that each replica can keep a
 * snapshot of the configuration and still see every change on the next request.
 */
@Singleton
public class TeamService {
    private final Db db;
    private final Clock clock;

    public TeamService(Db db, Clock clock) {
        this.db = db;
        this.clock = clock;
    }

    /** The team's current configuration version; 404 problem if there is no such team. */
    public long configVersion(String team) {
        return db.read(c -> configVersion(c, team));
    }

    /** The same, inside the caller's transaction. */
    public static long configVersion(Connection c, String team) throws SQLException {
        return TeamRepository.configVersion(c, team)
                .orElseThrow(() -> new KeylessException(ProblemType.NOT_FOUND, "No team named '" + safe(team) + "'"));
    }

    /** Records a configuration change of the team, inside the caller's transaction. */
    public static void bumpConfigVersion(Connection c, String team) throws SQLException {
        if (TeamRepository.bumpConfigVersion(c, team) != 1) {
            throw new KeylessException(ProblemType.NOT_FOUND, "No team named '" + safe(team) + "'");
        }
    }

    /** Creates the team if it does not exist; reports whether it was created. */
    public boolean createIfAbsent(Connection c, String team) throws SQLException {
        return TeamRepository.insertIfAbsent(c, team, clock.instant());
    }

    /**
     * Locks the team's row until the transaction ends, to serialize changes of one team across
     * replicas (CA rotations); 404 problem if there is no such team.
     */
    public static void lock(Connection c, String team) throws SQLException {
        if (!TeamRepository.lock(c, team)) {
            throw new KeylessException(ProblemType.NOT_FOUND, "No such team");
        }
    }

    /** Every team's name, sorted. */
    public List<String> names() {
        return db.read(TeamRepository::names);
    }

    /** Team names come from the path; only a valid name is ever repeated back. */
    private static String safe(String team) {
        return team != null && team.matches("[a-z0-9][a-z0-9._-]{0,62}") ? team : "(invalid name)";
    }
}

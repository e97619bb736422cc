package dev.keyless.service.caller;

import dev.keyless.protocol.ProblemType;
import dev.keyless.service.problem.KeylessException;
import io.micronaut.http.HttpRequest;

/** The {@code {team}} segment of a {@code /v1/teams/{team}/...} path. */
public final class PathTeam {
    private static final String PREFIX = "/v1/teams/";

    private PathTeam() {}

    public static String of(HttpRequest<?> request) {
        String path = request.getPath();
        if (path.startsWith(PREFIX)) {
            int end = path.indexOf('/', PREFIX.length());
            String team = end < 0 ? path.substring(PREFIX.length()) : path.substring(PREFIX.length(), end);
            if (!team.isEmpty()) {
                return team;
            }
        }
        throw new KeylessException(ProblemType.NOT_FOUND, "The path names no team");
    }
}

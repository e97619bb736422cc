package dev.keyless.service.operator;

import dev.keyless.protocol.AdminRequests.CreateTeam;
import dev.keyless.protocol.AdminRequests.TeamCreated;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Header;
import io.micronaut.http.annotation.Post;
import java.util.List;
import java.util.Map;

@Controller("/v1/teams")
final class TeamController {
    private final TeamCreation teams;

    TeamController(TeamCreation teams) {
        this.teams = teams;
    }

    @Post
    HttpResponse<TeamCreated> create(
            @Nullable @Header(HttpHeaders.AUTHORIZATION) String authorization, @Body CreateTeam request) {
        return HttpResponse.created(teams.create(teams.operator(authorization), request));
    }

    @Get
    List<Map<String, String>> list(@Nullable @Header(HttpHeaders.AUTHORIZATION) String authorization) {
        return teams.list(teams.operator(authorization)).stream()
                .map(name -> Map.of("name", name))
                .toList();
    }
}

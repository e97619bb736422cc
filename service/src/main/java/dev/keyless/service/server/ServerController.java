package dev.keyless.service.server;

import dev.keyless.protocol.PolicyRequests.PolicySpec;
import dev.keyless.protocol.ServerRequests.BulkServers;
import dev.keyless.protocol.ServerRequests.ServerSpec;
import dev.keyless.protocol.ServerRequests.ServerView;
import dev.keyless.service.caller.AdminPrincipal;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Delete;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.Put;
import java.util.List;

@Controller("/v1/teams/{team}/servers")
final class ServerController {
    private final ServerService servers;

    ServerController(ServerService servers) {
        this.servers = servers;
    }

    @Post
    HttpResponse<ServerView> create(String team, AdminPrincipal admin, @Body ServerSpec spec) {
        return HttpResponse.created(servers.create(admin, spec));
    }

    @Post("/bulk")
    HttpResponse<List<ServerView>> createAll(String team, AdminPrincipal admin, @Body BulkServers request) {
        return HttpResponse.created(servers.createAll(admin, request));
    }

    /** Which servers a policy spec reaches, validated as a save would be; stores nothing. */
    @Post("/reached-by-policy")
    List<ServerView> reachedBy(String team, AdminPrincipal admin, @Body PolicySpec spec) {
        return servers.reachedBy(admin, spec);
    }

    @Get
    List<ServerView> list(String team, AdminPrincipal admin) {
        return servers.list(admin);
    }

    @Get("/{name}")
    ServerView get(String team, String name, AdminPrincipal admin) {
        return servers.get(admin, name);
    }

    @Put("/{name}")
    ServerView update(String team, String name, AdminPrincipal admin, @Body ServerSpec spec) {
        return servers.update(admin, name, spec);
    }

    @Delete("/{name}")
    HttpResponse<Void> delete(String team, String name, AdminPrincipal admin) {
        servers.delete(admin, name);
        return HttpResponse.noContent();
    }
}

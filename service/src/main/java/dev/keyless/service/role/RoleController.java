package dev.keyless.service.role;

import dev.keyless.protocol.RoleRequests.RoleSpec;
import dev.keyless.protocol.RoleRequests.RoleView;
import dev.keyless.service.caller.AdminPrincipal;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Delete;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.Put;
import java.util.List;

@Controller("/v1/teams/{team}/roles")
final class RoleController {
    private final RoleService roles;

    RoleController(RoleService roles) {
        this.roles = roles;
    }

    @Post
    HttpResponse<RoleView> create(String team, AdminPrincipal admin, @Body RoleSpec spec) {
        return HttpResponse.created(roles.create(admin, spec));
    }

    @Get
    List<RoleView> list(String team, AdminPrincipal admin) {
        return roles.list(admin);
    }

    @Get("/{name}")
    RoleView get(String team, String name, AdminPrincipal admin) {
        return roles.get(admin, name);
    }

    @Put("/{name}")
    RoleView update(String team, String name, AdminPrincipal admin, @Body RoleSpec spec) {
        return roles.update(admin, name, spec);
    }

    @Delete("/{name}")
    HttpResponse<Void> delete(String team, String name, AdminPrincipal admin) {
        roles.delete(admin, name);
        return HttpResponse.noContent();
    }
}

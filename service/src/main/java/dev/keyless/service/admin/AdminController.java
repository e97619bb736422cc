package dev.keyless.service.admin;

import dev.keyless.protocol.AdminRequests.AdminCreated;
import dev.keyless.protocol.AdminRequests.AdminView;
import dev.keyless.protocol.AdminRequests.CreateAdmin;
import dev.keyless.service.caller.AdminPrincipal;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Post;
import java.util.List;

@Controller("/v1/teams/{team}/admins")
final class AdminController {
    private final AdminService admins;

    AdminController(AdminService admins) {
        this.admins = admins;
    }

    @Get
    List<AdminView> list(String team, AdminPrincipal admin) {
        return admins.list(admin);
    }

    @Post
    HttpResponse<AdminCreated> create(String team, AdminPrincipal admin, @Body CreateAdmin request) {
        return HttpResponse.created(admins.create(admin, request));
    }
}

package dev.keyless.service.admin;

import dev.keyless.protocol.AdminRequests.AdminTokenCreated;
import dev.keyless.protocol.AdminRequests.AdminTokenPolicy;
import dev.keyless.protocol.AdminRequests.AdminTokenView;
import dev.keyless.protocol.AdminRequests.CreateAdminToken;
import dev.keyless.service.caller.AdminPrincipal;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.Put;
import io.micronaut.http.annotation.QueryValue;
import java.util.List;

@Controller("/v1/teams/{team}")
final class AdminTokenController {
    private final AdminTokenService tokens;

    AdminTokenController(AdminTokenService tokens) {
        this.tokens = tokens;
    }

    @Get("/admin-tokens")
    List<AdminTokenView> list(String team, AdminPrincipal by, @Nullable @QueryValue("admin_name") String owner) {
        return tokens.list(by, owner);
    }

    @Post("/admin-tokens")
    HttpResponse<AdminTokenCreated> create(String team, AdminPrincipal admin, @Body CreateAdminToken request) {
        return HttpResponse.created(tokens.create(admin, request));
    }

    @Post("/admin-tokens/{id}/revoke")
    AdminTokenView revoke(String team, String id, AdminPrincipal admin) {
        return tokens.revoke(admin, id);
    }

    @Get("/admin-token-policy")
    AdminTokenPolicy policy(String team, AdminPrincipal admin) {
        return tokens.policy(admin);
    }

    @Put("/admin-token-policy")
    AdminTokenPolicy putPolicy(String team, AdminPrincipal admin, @Body AdminTokenPolicy request) {
        return tokens.putPolicy(admin, request);
    }
}

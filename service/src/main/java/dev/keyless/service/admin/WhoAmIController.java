package dev.keyless.service.admin;

import dev.keyless.protocol.AdminRequests.AdminIdentity;
import dev.keyless.service.caller.AdminPrincipal;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Header;

/**
 * {@code GET /v1/whoami}: the team, name and role of the bearer's admin token. A token used with
 * another team's path gets {@code admin-unauthenticated} without saying why; this lets its holder
 * (the CLI's hint) learn which team it is for, without learning anything about other teams.
 */
@Controller("/v1/whoami")
final class WhoAmIController {
    private final AdminService admins;

    WhoAmIController(AdminService admins) {
        this.admins = admins;
    }

    @Get
    AdminIdentity whoami(@Nullable @Header(HttpHeaders.AUTHORIZATION) String authorization) {
        AdminPrincipal admin = admins.identify(authorization);
        return new AdminIdentity(admin.team(), admin.name(), admin.role().wireName());
    }
}

package dev.keyless.service.sso;

import dev.keyless.protocol.SsoRequests.ConfigureSso;
import dev.keyless.protocol.SsoRequests.SsoView;
import dev.keyless.service.caller.AdminPrincipal;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.Put;

@Controller("/v1/teams/{team}/sso")
final class SsoAdminController {
    private final SsoService sso;

    SsoAdminController(SsoService sso) {
        this.sso = sso;
    }

    @Get
    SsoView get(String team, AdminPrincipal admin) {
        return sso.view(admin);
    }

    @Put
    SsoView put(String team, AdminPrincipal admin, @Body ConfigureSso request) {
        return sso.configure(admin, request);
    }

    @Post("/approve")
    SsoView approve(String team, AdminPrincipal admin) {
        return sso.approve(admin);
    }
}

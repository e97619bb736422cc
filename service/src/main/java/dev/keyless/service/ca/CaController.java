package dev.keyless.service.ca;

import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Produces;

/** Publishes the CA public keys, one OpenSSH line each; no authentication, they are public. */
@Controller("/v1/teams/{team}/ca")
final class CaController {
    private final CaService cas;

    CaController(CaService cas) {
        this.cas = cas;
    }

    @Get("/user")
    @Produces(MediaType.TEXT_PLAIN)
    String user(String team) {
        return String.join("\n", cas.publicKeys(team, CaKind.USER)) + "\n";
    }

    @Get("/host")
    @Produces(MediaType.TEXT_PLAIN)
    String host(String team) {
        return String.join("\n", cas.publicKeys(team, CaKind.HOST)) + "\n";
    }
}

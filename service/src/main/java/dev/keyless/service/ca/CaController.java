package dev.keyless.service.ca;

import dev.keyless.protocol.ProblemType;
import dev.keyless.service.caller.AdminPrincipal;
import dev.keyless.service.problem.KeylessException;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.Produces;
import java.util.List;
import java.util.Map;

/**
 * Publishes the CA public keys, one OpenSSH line each (no authentication, they are public), and
 * lets a security admin rotate a CA.
 */
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

    /** Starts a rotation: {@code {public_keys: [...]}}, every key now published, the new one last. */
    @Post("/{kind}/rotate")
    Map<String, List<String>> rotate(String team, String kind, AdminPrincipal admin) {
        return Map.of("public_keys", cas.rotate(admin, kind(kind)));
    }

    /** Ends a rotation: only the newest key stays published and trusted. */
    @Post("/{kind}/retire")
    Map<String, List<String>> retire(String team, String kind, AdminPrincipal admin) {
        return Map.of("public_keys", cas.retire(admin, kind(kind)));
    }

    private static CaKind kind(String kind) {
        return switch (kind) {
            case "user" -> CaKind.USER;
            case "host" -> CaKind.HOST;
            default -> throw new KeylessException(ProblemType.NOT_FOUND, "No such CA: use user or host");
        };
    }
}

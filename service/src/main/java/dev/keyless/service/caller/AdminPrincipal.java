package dev.keyless.service.caller;

import dev.keyless.protocol.AdminRole;
import dev.keyless.protocol.ProblemType;
import dev.keyless.service.problem.KeylessException;
import java.util.Arrays;

/**
 * An authenticated admin of one team, and the address the request came from (as {@code
 * ClientAddress} resolves it behind trusted proxies; null outside a request), which the admin's
 * audit events record. Controllers receive it as a parameter.
 */
// A Principal also so that the API description leaves it out: its binder fills it, not the client.
public record AdminPrincipal(String team, String name, AdminRole role, String clientIp)
        implements java.security.Principal {

    public AdminPrincipal(String team, String name, AdminRole role) {
        this(team, name, role, null);
    }

    /** This admin, calling from {@code address}. */
    public AdminPrincipal from(String address) {
        return new AdminPrincipal(team, name, role, address);
    }

    @Override
    public String getName() {
        return name;
    }

    /** Refuses unless this admin has one of the given roles. */
    public AdminPrincipal require(AdminRole... allowed) {
        if (Arrays.asList(allowed).contains(role)) {
            return this;
        }
        throw new KeylessException(
                ProblemType.ADMIN_FORBIDDEN,
                "This action needs one of the admin roles "
                        + Arrays.stream(allowed).map(AdminRole::wireName).toList() + "; this admin is "
                        + role.wireName(),
                null,
                null,
                role.wireName(),
                null);
    }

    public boolean is(AdminRole r) {
        return role == r;
    }
}

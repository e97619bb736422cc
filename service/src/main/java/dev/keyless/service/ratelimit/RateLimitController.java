package dev.keyless.service.ratelimit;

import dev.keyless.service.caller.AdminPrincipal;
import dev.keyless.service.problem.KeylessException;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Put;

@Controller("/v1/teams/{team}/rate-limits")
final class RateLimitController {
    private final RateLimits limits;

    RateLimitController(RateLimits limits) {
        this.limits = limits;
    }

    @Get
    RateLimitSettings get(String team, AdminPrincipal admin) {
        return limits.get(admin);
    }

    @Put
    RateLimitSettings put(String team, AdminPrincipal admin, @Body Request request) {
        if (request.perConnection() == null) {
            throw KeylessException.invalid("per_connection", "is required (0 for no limit)");
        }
        if (request.perClientIp() == null) {
            throw KeylessException.invalid("per_client_ip", "is required (0 for no limit)");
        }
        return limits.put(admin, new RateLimitSettings(request.perConnection(), request.perClientIp()));
    }

    /** Both limits, in requests per minute and replica; 0 for no limit. */
    record Request(Integer perConnection, Integer perClientIp) {}
}

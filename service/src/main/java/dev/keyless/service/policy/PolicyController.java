package dev.keyless.service.policy;

import dev.keyless.protocol.PolicyRequests.PolicySpec;
import dev.keyless.protocol.PolicyRequests.PolicyView;
import dev.keyless.service.caller.AdminPrincipal;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Delete;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.Put;
import java.util.List;

@Controller("/v1/teams/{team}/policies")
final class PolicyController {
    private final PolicyService policies;

    PolicyController(PolicyService policies) {
        this.policies = policies;
    }

    @Post
    HttpResponse<PolicyView> create(String team, AdminPrincipal admin, @Body PolicySpec spec) {
        return HttpResponse.created(policies.create(admin, spec));
    }

    @Get
    List<PolicyView> list(String team, AdminPrincipal admin) {
        return policies.list(admin);
    }

    @Get("/{name}")
    PolicyView get(String team, String name, AdminPrincipal admin) {
        return policies.get(admin, name);
    }

    @Put("/{name}")
    PolicyView update(String team, String name, AdminPrincipal admin, @Body PolicySpec spec) {
        return policies.update(admin, name, spec);
    }

    @Delete("/{name}")
    HttpResponse<Void> delete(String team, String name, AdminPrincipal admin) {
        policies.delete(admin, name);
        return HttpResponse.noContent();
    }
}

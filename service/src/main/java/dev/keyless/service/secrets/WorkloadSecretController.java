package dev.keyless.service.secrets;

import dev.keyless.protocol.SecretRequests.Reveal;
import dev.keyless.protocol.SecretRequests.Revealed;
import dev.keyless.protocol.SecretRequests.SecretList;
import dev.keyless.protocol.SecretRequests.SecretView;
import dev.keyless.service.observability.ClientAddress;
import dev.keyless.service.workload.WorkloadAuthenticator;
import dev.keyless.service.workload.WorkloadBearer;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.QueryValue;

/** The workload calls, with the access token; authentication applies the generation rules. */
@Controller("/v1/teams/{team}/secrets")
final class WorkloadSecretController {
    private final WorkloadSecretService secrets;
    private final WorkloadAuthenticator workloads;

    WorkloadSecretController(WorkloadSecretService secrets, WorkloadAuthenticator workloads) {
        this.secrets = secrets;
        this.workloads = workloads;
    }

    @Get
    SecretList list(String team, WorkloadBearer workload, @Nullable @QueryValue String path) {
        return secrets.list(workloads.authenticate(workload), path);
    }

    @Get("/describe")
    SecretView describe(
            String team,
            WorkloadBearer workload,
            @Nullable @QueryValue String path,
            @Nullable @QueryValue String name) {
        return secrets.describe(workloads.authenticate(workload), path, name);
    }

    @Post("/reveal")
    HttpResponse<Revealed> reveal(String team, WorkloadBearer workload, @Body Reveal request, HttpRequest<?> http) {
        Revealed revealed = secrets.reveal(workloads.authenticate(workload), request, ClientAddress.of(http));
        // No proxy or client cache may keep a value.
        return HttpResponse.ok(revealed).header(HttpHeaders.CACHE_CONTROL, "no-store");
    }
}

package dev.keyless.service.workload;

import dev.keyless.protocol.WorkloadQueries.ExplainReport;
import dev.keyless.protocol.WorkloadQueries.ExplainRequest;
import dev.keyless.service.observability.ClientAddress;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Post;

@Controller("/v1/teams/{team}/workload")
final class ExplainController {
    private final ExplainService explain;

    ExplainController(ExplainService explain) {
        this.explain = explain;
    }

    @Post("/explain")
    ExplainReport explain(String team, @Body ExplainRequest request, HttpRequest<?> http) {
        return explain.explain(team, request, ClientAddress.of(http));
    }
}

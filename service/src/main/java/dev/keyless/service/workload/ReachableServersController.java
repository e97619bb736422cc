package dev.keyless.service.workload;

import dev.keyless.protocol.WorkloadQueries.ReachableServer;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import java.util.List;

@Controller("/v1/teams/{team}/workload")
final class ReachableServersController {
    private final ReachableServers reachable;
    private final WorkloadAuthenticator workloads;

    ReachableServersController(ReachableServers reachable, WorkloadAuthenticator workloads) {
        this.reachable = reachable;
        this.workloads = workloads;
    }

    @Get("/servers")
    List<ReachableServer> servers(String team, WorkloadBearer workload) {
        return reachable.of(workloads.authenticate(workload));
    }
}

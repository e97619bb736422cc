package dev.keyless.service.session;

import dev.keyless.protocol.WorkloadRequests.CertificateRequest;
import dev.keyless.protocol.WorkloadRequests.CertificateResponse;
import dev.keyless.protocol.WorkloadRequests.SessionView;
import dev.keyless.service.workload.WorkloadPrincipal;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Post;

@Controller("/v1/teams/{team}")
final class SessionController {
    private final SessionService sessions;

    SessionController(SessionService sessions) {
        this.sessions = sessions;
    }

    @Post("/ssh/certificates")
    HttpResponse<CertificateResponse> certificate(
            String team, WorkloadPrincipal workload, @Body CertificateRequest request, HttpRequest<?> http) {
        return HttpResponse.created(sessions.issue(workload, request, ClientAddress.of(http)));
    }

    @Get("/sessions/{id}")
    SessionView get(String team, String id, WorkloadPrincipal workload) {
        return sessions.get(workload, id);
    }

    @Post("/sessions/{id}/close")
    SessionView close(String team, String id, WorkloadPrincipal workload) {
        return sessions.close(workload, id);
    }
}

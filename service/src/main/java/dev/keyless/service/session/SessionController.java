package dev.keyless.service.session;

import dev.keyless.protocol.WorkloadRequests.CertificateRequest;
import dev.keyless.protocol.WorkloadRequests.CertificateResponse;
import dev.keyless.protocol.WorkloadRequests.SessionView;
import dev.keyless.service.caller.AdminPrincipal;
import dev.keyless.service.observability.ClientAddress;
import dev.keyless.service.problem.KeylessException;
import dev.keyless.service.workload.WorkloadAuthenticator;
import dev.keyless.service.workload.WorkloadBearer;
import dev.keyless.service.workload.WorkloadPrincipal;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.QueryValue;
import java.time.Duration;
import java.util.List;
import java.util.Map;

@Controller("/v1/teams/{team}")
final class SessionController {
    private final CertificateService certificates;
    private final SessionService sessions;
    private final WorkloadAuthenticator workloads;

    SessionController(CertificateService certificates, SessionService sessions, WorkloadAuthenticator workloads) {
        this.certificates = certificates;
        this.sessions = sessions;
        this.workloads = workloads;
    }

    @Post("/ssh/certificates")
    HttpResponse<CertificateResponse> certificate(
            String team, WorkloadBearer workload, @Body CertificateRequest request, HttpRequest<?> http) {
        return HttpResponse.created(
                certificates.issue(workloads.authenticate(workload), request, ClientAddress.of(http)));
    }

    @Get("/sessions/{id}")
    SessionView get(
            String team,
            String id,
            WorkloadBearer workload,
            @Nullable @QueryValue("wait_seconds") Integer waitSeconds) {
        WorkloadPrincipal who = workloads.authenticate(workload);
        int wait = waitSeconds == null ? 0 : waitSeconds;
        if (wait < 0 || wait > SessionService.MAX_WAIT.toSeconds()) {
            throw KeylessException.invalid(
                    "wait_seconds", "must be between 0 and " + SessionService.MAX_WAIT.toSeconds());
        }
        return sessions.get(who, id, Duration.ofSeconds(wait));
    }

    @Get("/sessions")
    List<SessionView> list(
            String team,
            AdminPrincipal admin,
            @Nullable @QueryValue("role") String role,
            @Nullable @QueryValue("server") String server) {
        return sessions.listLive(admin, role, server);
    }

    @Post("/sessions/{id}/revoke")
    SessionView revoke(String team, String id, AdminPrincipal admin) {
        return sessions.revoke(admin, id);
    }

    @Post("/roles/{role}/revoke-sessions")
    Map<String, Integer> revokeRole(String team, String role, AdminPrincipal admin) {
        return Map.of("revoked", sessions.revokeRole(admin, role));
    }

    @Post("/sessions/{id}/close")
    SessionView close(String team, String id, WorkloadBearer workload) {
        return sessions.close(workloads.authenticateForClose(workload), id);
    }
}

package dev.keyless.service.agent;

import dev.keyless.protocol.AgentRequests.Ended;
import dev.keyless.protocol.AgentRequests.Enroll;
import dev.keyless.protocol.AgentRequests.Enrolled;
import dev.keyless.protocol.AgentRequests.EnrollmentToken;
import dev.keyless.protocol.AgentRequests.EventBatch;
import dev.keyless.protocol.AgentRequests.Failed;
import dev.keyless.protocol.AgentRequests.HostCertificate;
import dev.keyless.protocol.AgentRequests.LiveSessions;
import dev.keyless.protocol.AgentRequests.Login;
import dev.keyless.protocol.AgentRequests.Ready;
import dev.keyless.service.admin.AdminPrincipal;
import dev.keyless.service.session.ClientAddress;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.QueryValue;
import java.util.concurrent.CompletableFuture;

@Controller("/v1/teams/{team}")
final class AgentController {
    private final EnrollmentService enrollment;
    private final AgentService agents;

    AgentController(EnrollmentService enrollment, AgentService agents) {
        this.enrollment = enrollment;
        this.agents = agents;
    }

    @Post("/servers/{name}/enrollment-tokens")
    HttpResponse<EnrollmentToken> enrollmentToken(String team, String name, AdminPrincipal admin) {
        return HttpResponse.created(enrollment.createToken(admin, name));
    }

    @Post("/agents/enroll")
    HttpResponse<Enrolled> enroll(String team, @Body Enroll request, HttpRequest<?> http) {
        return HttpResponse.created(enrollment.enroll(team, request, ClientAddress.of(http)));
    }

    @Get("/agents/events")
    CompletableFuture<EventBatch> events(
            String team,
            AgentPrincipal agent,
            @Nullable @QueryValue Long after,
            @Nullable @QueryValue("wait_seconds") Integer waitSeconds) {
        return agents.events(agent, after == null ? 0 : after, waitSeconds == null ? 0 : waitSeconds);
    }

    @Post("/agents/host-certificate")
    HostCertificate hostCertificate(String team, AgentPrincipal agent, HttpRequest<?> http) {
        return enrollment.renewHostCertificate(agent, ClientAddress.of(http));
    }

    @Get("/agents/sessions")
    LiveSessions sessions(String team, AgentPrincipal agent) {
        return agents.live(agent);
    }

    @Post("/agents/sessions/{id}/ready")
    HttpResponse<Void> ready(String team, String id, AgentPrincipal agent, @Body Ready report) {
        agents.ready(agent, id, report);
        return HttpResponse.noContent();
    }

    @Post("/agents/sessions/{id}/failed")
    HttpResponse<Void> failed(String team, String id, AgentPrincipal agent, @Body Failed report) {
        agents.failed(agent, id, report);
        return HttpResponse.noContent();
    }

    @Post("/agents/sessions/{id}/ended")
    HttpResponse<Void> ended(String team, String id, AgentPrincipal agent, @Body Ended report) {
        agents.ended(agent, id, report);
        return HttpResponse.noContent();
    }

    @Post("/agents/logins")
    HttpResponse<Void> login(String team, AgentPrincipal agent, @Body Login login) {
        agents.login(agent, login);
        return HttpResponse.noContent();
    }
}

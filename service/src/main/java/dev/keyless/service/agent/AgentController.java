package dev.keyless.service.agent;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.keyless.protocol.AgentRequests.BulkEnrollmentTokens;
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
import dev.keyless.service.caller.AdminPrincipal;
import dev.keyless.service.observability.ClientAddress;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.QueryValue;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Agent calls. Each authenticates on the request thread with the exact body bytes it received
 * (the signature covers their digest) and only then reads them as JSON.
 */
@Controller("/v1/teams/{team}")
final class AgentController {
    private static final byte[] NO_BODY = new byte[0];

    private final EnrollmentService enrollment;
    private final AgentService agents;
    private final AgentAuthenticator authenticator;
    private final AgentConnectionGuard guard;
    private final ObjectMapper json;

    AgentController(
            EnrollmentService enrollment,
            AgentService agents,
            AgentAuthenticator authenticator,
            AgentConnectionGuard guard,
            ObjectMapper json) {
        this.guard = guard;
        this.enrollment = enrollment;
        this.agents = agents;
        this.authenticator = authenticator;
        this.json = json;
    }

    @Post("/servers/{name}/enrollment-tokens")
    HttpResponse<EnrollmentToken> enrollmentToken(String team, String name, AdminPrincipal admin) {
        return HttpResponse.created(enrollment.createToken(admin, name));
    }

    @Post("/servers/enrollment-tokens")
    HttpResponse<List<EnrollmentToken>> enrollmentTokens(
            String team, @Body BulkEnrollmentTokens request, AdminPrincipal admin) {
        return HttpResponse.created(enrollment.createTokens(admin, request));
    }

    @Post("/agents/enroll")
    HttpResponse<Enrolled> enroll(String team, @Body Enroll request, HttpRequest<?> http) {
        return HttpResponse.created(enrollment.enroll(team, request, ClientAddress.of(http)));
    }

    @Get("/agents/events")
    CompletableFuture<EventBatch> events(
            String team,
            AgentCall call,
            @Nullable @QueryValue Long after,
            @Nullable @QueryValue("wait_seconds") Integer waitSeconds) {
        guard.admit(); // before any database work: near the descriptor limit a poll costs nothing
        return guard.track(agents.events(
                authenticator.authenticate(call, NO_BODY),
                after == null ? 0 : after,
                waitSeconds == null ? AgentService.DEFAULT_WAIT_SECONDS : waitSeconds));
    }

    @Post("/agents/host-certificate")
    HostCertificate hostCertificate(String team, AgentCall call, HttpRequest<?> http) {
        return enrollment.renewHostCertificate(authenticator.authenticate(call, NO_BODY), ClientAddress.of(http));
    }

    @Get("/agents/sessions")
    LiveSessions sessions(String team, AgentCall call) {
        return agents.live(authenticator.authenticate(call, NO_BODY));
    }

    @Post("/agents/sessions/{id}/ready")
    HttpResponse<Void> ready(String team, String id, AgentCall call, @Body byte[] body) throws IOException {
        AgentPrincipal agent = authenticator.authenticate(call, body);
        agents.ready(agent, id, json.readValue(body, Ready.class));
        return HttpResponse.noContent();
    }

    @Post("/agents/sessions/{id}/failed")
    HttpResponse<Void> failed(String team, String id, AgentCall call, @Body byte[] body) throws IOException {
        AgentPrincipal agent = authenticator.authenticate(call, body);
        agents.failed(agent, id, json.readValue(body, Failed.class));
        return HttpResponse.noContent();
    }

    @Post("/agents/sessions/{id}/ended")
    HttpResponse<Void> ended(String team, String id, AgentCall call, @Body byte[] body) throws IOException {
        AgentPrincipal agent = authenticator.authenticate(call, body);
        agents.ended(agent, id, json.readValue(body, Ended.class));
        return HttpResponse.noContent();
    }

    @Post("/agents/logins")
    HttpResponse<Void> login(String team, AgentCall call, @Body byte[] body) throws IOException {
        AgentPrincipal agent = authenticator.authenticate(call, body);
        agents.login(agent, json.readValue(body, Login.class));
        return HttpResponse.noContent();
    }
}

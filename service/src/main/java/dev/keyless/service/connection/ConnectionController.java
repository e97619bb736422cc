package dev.keyless.service.connection;

import dev.keyless.protocol.ConnectionRequests.ApproveChange;
import dev.keyless.protocol.ConnectionRequests.ConnectionSpec;
import dev.keyless.protocol.ConnectionRequests.ConnectionView;
import dev.keyless.protocol.ConnectionRequests.PendingChange;
import dev.keyless.protocol.ConnectionRequests.TestToken;
import dev.keyless.protocol.ConnectionRequests.ValidationReport;
import dev.keyless.service.caller.AdminPrincipal;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Delete;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.Put;
import java.util.List;

@Controller("/v1/teams/{team}/connections")
final class ConnectionController {
    private final ConnectionService connections;
    private final ConnectionGovernance governance;
    private final ConnectionTester tester;

    ConnectionController(ConnectionService connections, ConnectionGovernance governance, ConnectionTester tester) {
        this.connections = connections;
        this.governance = governance;
        this.tester = tester;
    }

    @Post("/{name}/test")
    ValidationReport test(String team, String name, AdminPrincipal admin, @Body TestToken request) {
        return tester.test(admin, name, request);
    }

    @Post
    HttpResponse<ConnectionView> create(String team, AdminPrincipal admin, @Body ConnectionSpec spec) {
        return HttpResponse.created(connections.create(admin, spec));
    }

    @Get
    List<ConnectionView> list(String team, AdminPrincipal admin) {
        return connections.list(admin);
    }

    @Get("/{name}")
    ConnectionView get(String team, String name, AdminPrincipal admin) {
        return connections.get(admin, name);
    }

    /** 200 with the changed draft, or 202 when the settings became a pending change to approve. */
    @Put("/{name}")
    HttpResponse<ConnectionView> update(String team, String name, AdminPrincipal admin, @Body ConnectionSpec spec) {
        ConnectionService.Updated updated = connections.update(admin, name, spec);
        return updated.proposed() ? HttpResponse.accepted().body(updated.view()) : HttpResponse.ok(updated.view());
    }

    @Get("/{name}/pending-change")
    PendingChange pendingChange(String team, String name, AdminPrincipal admin) {
        return connections.pendingChange(admin, name);
    }

    /** A Draft declared ready for a second security admin; optionally bound to the reviewed content hash. */
    @Post("/{name}/request-activation")
    ConnectionView requestActivation(
            String team, String name, AdminPrincipal admin, @Nullable @Body ApproveChange request) {
        return connections.requestActivation(admin, name, request == null ? null : request.contentHash());
    }

    @Post("/{name}/approve")
    ConnectionView approve(String team, String name, AdminPrincipal admin, @Nullable @Body ApproveChange request) {
        return governance.approve(admin, name, request);
    }

    /** Drops the pending change, or a Draft's activation request. */
    @Post("/{name}/reject")
    ConnectionView reject(String team, String name, AdminPrincipal admin) {
        return governance.reject(admin, name);
    }

    @Delete("/{name}")
    HttpResponse<Void> delete(String team, String name, AdminPrincipal admin) {
        connections.delete(admin, name);
        return HttpResponse.noContent();
    }

    @Post("/{name}/activate")
    ConnectionView activate(String team, String name, AdminPrincipal admin, @Nullable @Body ApproveChange request) {
        return governance.activate(admin, name, request == null ? null : request.contentHash());
    }

    @Post("/{name}/deactivate")
    ConnectionView deactivate(String team, String name, AdminPrincipal admin) {
        return governance.deactivate(admin, name);
    }
}

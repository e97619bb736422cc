package dev.keyless.service.workload;

import dev.keyless.protocol.WorkloadRequests.AccessToken;
import dev.keyless.protocol.WorkloadRequests.Authenticate;
import dev.keyless.service.observability.ClientAddress;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Post;

@Controller("/v1/teams/{team}/workload")
final class ExchangeController {
    private final ExchangeService exchange;

    ExchangeController(ExchangeService exchange) {
        this.exchange = exchange;
    }

    @Post("/authenticate")
    AccessToken authenticate(String team, @Body Authenticate request, HttpRequest<?> http) {
        return exchange.authenticate(team, request, ClientAddress.of(http));
    }
}

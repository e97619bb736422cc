package dev.keyless.service.observability;

import io.micronaut.http.HttpRequest;

/**
 * The client's IP address for the audit trail: the peer, or behind a trusted proxy the address it
 * forwarded for ({@link ClientIps}).
 */
public final class ClientAddress {
    private ClientAddress() {}

    public static String of(HttpRequest<?> request) {
        return ClientIps.of(request);
    }
}

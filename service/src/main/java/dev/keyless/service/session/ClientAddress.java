package dev.keyless.service.session;

import io.micronaut.http.HttpRequest;

/** The client's IP address for the audit trail, as the service sees the connection. */
public final class ClientAddress {
    private ClientAddress() {}

    public static String of(HttpRequest<?> request) {
        return request.getRemoteAddress().getAddress() == null
                ? null
                : request.getRemoteAddress().getAddress().getHostAddress();
    }
}

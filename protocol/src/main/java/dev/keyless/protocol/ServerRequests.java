package dev.keyless.protocol;

import java.time.Instant;
import java.util.Map;

/** Requests and views of target servers. */
public final class ServerRequests {
    private ServerRequests() {}

    /** A server: a name, the address and port clients connect to, and labels for policies. */
    public record ServerSpec(String name, String address, Integer port, Map<String, String> labels) {}

    /** A server as stored. */
    public record ServerView(String name, String address, int port, Map<String, String> labels, Instant createdAt) {}
}

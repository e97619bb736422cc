package dev.keyless.protocol;

import java.time.Instant;
import java.util.Map;

/** Requests and views of target servers. */
public final class ServerRequests {
    private ServerRequests() {}

    /** A server: a name, the address and port clients connect to, and labels for policies. */
    public record ServerSpec(String name, String address, Integer port, Map<String, String> labels) {}

    /**
     * {@code POST /servers/bulk}: up to {@link #MAX_BULK} servers created in one transaction, all or
     * none; the answer lists them as {@link ServerView}s in the order given. A field error names the
     * entry ({@code servers[3].address}); a name that exists already refuses the whole request.
     */
    public record BulkServers(java.util.List<ServerSpec> servers) {}

    /** The most servers one {@code POST /servers/bulk} creates. */
    public static final int MAX_BULK = 1000;

    /** A server as stored, with the status of its host agent. */
    public record ServerView(
            String name, String address, int port, Map<String, String> labels, Instant createdAt, AgentStatus agent) {}

    /**
     * The server's host agent: whether one is enrolled, when, when it last called the service (to
     * the minute: the service records a call at most once a minute per agent) and the version it
     * reported (null from an agent too old to report one). All but {@code enrolled} are null
     * without an agent.
     */
    public record AgentStatus(boolean enrolled, Instant enrolledAt, Instant lastSeenAt, String version) {
        public static final AgentStatus NONE = new AgentStatus(false, null, null, null);
    }
}

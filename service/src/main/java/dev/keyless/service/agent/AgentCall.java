package dev.keyless.service.agent;

/**
 * A request that claims to come from a host agent, not checked yet: the team from the path, the
 * method, the raw path with its query as sent, and the {@code Authorization} header. Controllers
 * hand it with the body to {@link AgentAuthenticator}, which reads the database, so the check runs
 * on a request thread and never on Netty's event loop, where argument binders run.
 */
// A Principal (the agent it claims to be, unverified) so that the API description leaves it out.
record AgentCall(String team, String method, String target, String authorization) implements java.security.Principal {
    @Override
    public String getName() {
        return "agent call to " + team;
    }

    @Override
    public String toString() {
        return "AgentCall[team=" + team + ", " + method + " " + target + "]"; // never the header
    }
}

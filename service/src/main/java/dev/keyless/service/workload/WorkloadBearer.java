package dev.keyless.service.workload;

/**
 * The access token a workload sent with a request, not checked yet: the team from the path and the
 * {@code Authorization} header. Controllers hand it to {@link WorkloadAuthenticator}, which reads
 * the database, so the check runs on a request thread and never on Netty's event loop, where
 * argument binders run. Services take only the {@link WorkloadPrincipal} the authenticator
 * returns, so no route can act for a workload without the check.
 */
// A Principal (the workload it claims to be, unverified) so that the API description leaves it out.
public record WorkloadBearer(String team, String authorization) implements java.security.Principal {
    @Override
    public String getName() {
        return "workload bearer of " + team;
    }

    @Override
    public String toString() {
        return "WorkloadBearer[team=" + team + "]"; // never the token
    }
}

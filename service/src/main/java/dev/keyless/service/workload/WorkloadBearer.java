package dev.keyless.service.workload;

/**
 * The access token a workload sent with a request, not checked yet: the team from the path and the
 * {@code Authorization} header. Controllers hand it to {@link WorkloadAuthenticator}, which reads
 * the database, so the check runs on a request thread and never on Netty's event loop, where
 * argument binders run. Services take only the {@link WorkloadPrincipal} the authenticator
 * returns, so no route can act for a workload without the check.
 */
public record WorkloadBearer(String team, String authorization) {
    @Override
    public String toString() {
        return "WorkloadBearer[team=" + team + "]"; // never the token
    }
}

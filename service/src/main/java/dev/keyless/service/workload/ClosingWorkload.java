package dev.keyless.service.workload;

/**
 * A workload allowed to end its own sessions: its access token verifies but may have expired, and
 * its connection or role may have been retired since. Ending a session only takes access away, so
 * a job that outlived its access token can still clean up.
 */
public record ClosingWorkload(WorkloadPrincipal principal) {}

package dev.keyless.client.job;

import java.time.Instant;

/**
 * One server the job can reach: its name for {@code ssh <name>}, where it is, the Unix user, the
 * session id and when the certificate expires. Contains no secret; safe to print.
 */
public record ServerAccess(
        String name, String address, int port, String principal, String sessionId, Instant validBefore) {}

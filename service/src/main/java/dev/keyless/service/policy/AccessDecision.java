package dev.keyless.service.policy;

import dev.keyless.protocol.sudo.SudoCommand;
import java.time.Duration;
import java.util.List;

/**
 * The outcome of {@link PolicyEngine#decide}: whether a role may open a session on a server, and
 * the combined options of every policy that says so. When not granted, all lists are empty and
 * both TTLs are zero, so a caller that forgets to check {@code granted} still issues nothing usable.
 *
 * @param policies names of the matching policies, sorted
 * @param sudo union of their sudo commands, deduplicated, in policy-name then rule order
 * @param sessionTtl the shortest session TTL of the matching policies
 * @param accessTokenTtl the shortest access-token TTL of the matching policies
 * @param maxConcurrentSessions the smallest limit set by a matching policy; null when none sets one
 * @param extensions certificate extensions, sorted; always holds {@code permit-pty} when granted
 * @param sourceAddresses union of the non-empty source-address lists; empty means unrestricted
 */
public record AccessDecision(
        boolean granted,
        List<String> policies,
        List<SudoCommand> sudo,
        Duration sessionTtl,
        Duration accessTokenTtl,
        Integer maxConcurrentSessions,
        List<String> extensions,
        List<String> sourceAddresses) {
    public AccessDecision {
        policies = List.copyOf(policies);
        sudo = List.copyOf(sudo);
        extensions = List.copyOf(extensions);
        sourceAddresses = List.copyOf(sourceAddresses);
    }

    /** No policy grants access. */
    public static AccessDecision denied() {
        return new AccessDecision(
                false, List.of(), List.of(), Duration.ZERO, Duration.ZERO, null, List.of(), List.of());
    }
}

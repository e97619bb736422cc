package dev.keyless.service.policy;

import dev.keyless.protocol.sudo.SudoCommand;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Pure policy evaluation: no storage, no clock, no mutable state; thread-safe.
 *
 * <p>A policy applies to (role, server) when it lists the role and its selector matches the server:
 * the server's name is among the selector's names, or every selector label is present on the server
 * with an equal value. A selector without names and labels matches nothing.
 *
 * <p>Several matching policies combine: sudo commands, extensions and source addresses are unions;
 * TTLs and the session limit take the minimum. Source addresses are the one subtle case: an exact
 * answer would intersect address sets, and "no list" would have to mean "everything". Instead the
 * union of the non-empty lists is used, and a policy without a list adds no restriction of its own;
 * so if any matching policy restricts sources, the session is restricted to the sources some policy
 * names, which never grants a source that no restricting policy allows.
 */
public final class PolicyEngine {
    /** The extension every granted session gets, so interactive steps work. */
    public static final String PERMIT_PTY = "permit-pty";

    private PolicyEngine() {}

    /** Evaluates the policies that grant {@code role} access to {@code server}. */
    public static AccessDecision decide(String role, ServerFacts server, List<PolicyRules> policies) {
        List<PolicyRules> matching = new ArrayList<>();
        for (PolicyRules policy : policies) {
            if (policy.roles().contains(role) && selects(policy, server)) {
                matching.add(policy);
            }
        }
        if (matching.isEmpty()) {
            return AccessDecision.denied();
        }
        // Sorted by name so the result does not depend on the order rows came out of the database.
        matching.sort(Comparator.comparing(PolicyRules::name));
        List<String> names = new ArrayList<>();
        Set<SudoCommand> sudo = new LinkedHashSet<>();
        Set<String> extensions = new TreeSet<>(List.of(PERMIT_PTY));
        Set<String> sources = new TreeSet<>();
        Duration sessionTtl = null;
        Duration accessTokenTtl = null;
        Integer maxSessions = null;
        for (PolicyRules policy : matching) {
            names.add(policy.name());
            sudo.addAll(policy.sudo());
            extensions.addAll(policy.extensions());
            sources.addAll(policy.sourceAddresses());
            sessionTtl = min(sessionTtl, policy.sessionTtl());
            accessTokenTtl = min(accessTokenTtl, policy.accessTokenTtl());
            if (policy.maxConcurrentSessions() != null) {
                maxSessions = maxSessions == null
                        ? policy.maxConcurrentSessions()
                        : Math.min(maxSessions, policy.maxConcurrentSessions());
            }
        }
        return new AccessDecision(
                true,
                names,
                List.copyOf(sudo),
                sessionTtl,
                accessTokenTtl,
                maxSessions,
                List.copyOf(extensions),
                List.copyOf(sources));
    }

    /** Whether any policy lists the role, whatever its servers: the exchange refuses roles without. */
    public static boolean roleHasAnyPolicy(String role, List<PolicyRules> policies) {
        return policies.stream().anyMatch(p -> p.roles().contains(role));
    }

    /**
     * The access-token TTL for a role at exchange time, before any server is named: the shortest of
     * all policies that list the role; empty when none does.
     */
    public static Optional<Duration> accessTokenTtl(String role, List<PolicyRules> policies) {
        return policies.stream()
                .filter(p -> p.roles().contains(role))
                .map(PolicyRules::accessTokenTtl)
                .min(Comparator.naturalOrder());
    }

    /** Whether the policy's server selector covers the server: by name, or by every label it names. */
    public static boolean selects(PolicyRules policy, ServerFacts server) {
        if (policy.serverNames().contains(server.name())) {
            return true;
        }
        Map<String, String> wanted = policy.serverLabels();
        if (wanted.isEmpty()) {
            return false;
        }
        for (Map.Entry<String, String> label : wanted.entrySet()) {
            if (!label.getValue().equals(server.labels().get(label.getKey()))) {
                return false;
            }
        }
        return true;
    }

    private static Duration min(Duration current, Duration candidate) {
        return current == null || candidate.compareTo(current) < 0 ? candidate : current;
    }
}

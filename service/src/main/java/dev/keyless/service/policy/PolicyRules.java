package dev.keyless.service.policy;

import dev.keyless.protocol.sudo.SudoCommand;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A policy after {@link PolicySpecValidator}: every name checked, sudo rules normalized, defaults
 * applied. This is what {@link PolicyEngine} evaluates; build it only through the validator (or
 * from stored rows that were validated when written).
 *
 * @param maxConcurrentSessions null when the policy sets no limit
 * @param sourceAddresses CIDR blocks ({@code addr/len}); empty means no source restriction
 * @param secrets the secret grants; empty when the policy grants no secret
 */
public record PolicyRules(
        String name,
        List<String> roles,
        List<String> serverNames,
        Map<String, String> serverLabels,
        List<SudoCommand> sudo,
        Duration sessionTtl,
        Duration accessTokenTtl,
        Integer maxConcurrentSessions,
        List<String> extensions,
        List<String> sourceAddresses,
        List<SecretGrantRule> secrets) {
    public PolicyRules {
        roles = List.copyOf(roles);
        serverNames = List.copyOf(serverNames);
        serverLabels = Map.copyOf(serverLabels);
        sudo = List.copyOf(sudo);
        extensions = List.copyOf(extensions);
        sourceAddresses = List.copyOf(sourceAddresses);
        secrets = List.copyOf(secrets);
    }
}

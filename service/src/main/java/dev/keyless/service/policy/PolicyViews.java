package dev.keyless.service.policy;

import dev.keyless.protocol.PolicyRequests.PolicySpec;
import dev.keyless.protocol.PolicyRequests.PolicyView;
import java.time.Instant;

/** Maps validated policies back to their wire view, with defaults filled in. */
final class PolicyViews {
    private PolicyViews() {}

    static PolicyView view(PolicyRules rules, PolicySpec spec, Instant updatedAt) {
        return new PolicyView(
                rules.name(),
                rules.roles(),
                spec.servers(),
                spec.sudo() == null ? java.util.List.of() : spec.sudo(),
                (int) rules.sessionTtl().toSeconds(),
                (int) rules.accessTokenTtl().toSeconds(),
                rules.maxConcurrentSessions(),
                rules.extensions(),
                rules.sourceAddresses(),
                spec.secrets() == null ? java.util.List.of() : spec.secrets(),
                updatedAt);
    }

    static PolicySpec withName(PolicySpec s, String name) {
        return new PolicySpec(
                name,
                s.roles(),
                s.servers(),
                s.sudo(),
                s.sessionTtlSeconds(),
                s.accessTokenTtlSeconds(),
                s.maxConcurrentSessions(),
                s.extensions(),
                s.sourceAddresses(),
                s.secrets());
    }
}

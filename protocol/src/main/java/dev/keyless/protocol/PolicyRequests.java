package dev.keyless.protocol;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Requests and views of policies. */
public final class PolicyRequests {
    private PolicyRequests() {}

    /** Which servers a policy covers: by name, or by labels that must all match. */
    public record ServerSelector(List<String> names, Map<String, String> labels) {}

    /**
     * One sudo rule: an absolute command path with optional fixed arguments, e.g. {@code
     * /usr/bin/systemctl restart app}. Wildcards need {@code allowWildcards}; {@code ALL} needs
     * {@code unrestricted}.
     */
    public record SudoRule(String command, Boolean allowWildcards, Boolean unrestricted) {}

    /**
     * Access to secrets: {@code path} is an exact secret path ({@code /ci/prod/app/db-password}) or
     * a pattern whose segments may be {@code *} (any one segment, or part of one: {@code db-*}) or
     * {@code **} (any number of segments); {@code actions} are {@code list} and {@code reveal}.
     */
    public record SecretGrant(String path, List<String> actions) {}

    /**
     * A policy granting roles access to servers and secrets. Nullable fields take defaults: session TTL 900 s
     * (at most 28,800), access-token TTL 300 s (at most 3,600), no session limit.
     */
    public record PolicySpec(
            String name,
            List<String> roles,
            ServerSelector servers,
            List<SudoRule> sudo,
            Integer sessionTtlSeconds,
            Integer accessTokenTtlSeconds,
            Integer maxConcurrentSessions,
            List<String> extensions,
            List<String> sourceAddresses,
            List<SecretGrant> secrets) {}

    /** A policy as stored. */
    public record PolicyView(
            String name,
            List<String> roles,
            ServerSelector servers,
            List<SudoRule> sudo,
            int sessionTtlSeconds,
            int accessTokenTtlSeconds,
            Integer maxConcurrentSessions,
            List<String> extensions,
            List<String> sourceAddresses,
            List<SecretGrant> secrets,
            Instant updatedAt) {}
}

package dev.keyless.service.policy;

import dev.keyless.protocol.PolicyRequests.PolicySpec;
import dev.keyless.protocol.PolicyRequests.SecretGrant;
import dev.keyless.protocol.PolicyRequests.ServerSelector;
import dev.keyless.protocol.PolicyRequests.SudoRule;
import dev.keyless.protocol.sudo.InvalidSudoRuleException;
import dev.keyless.protocol.sudo.SudoCommand;
import dev.keyless.protocol.sudo.SudoRuleGrammar;
import dev.keyless.service.name.InetLiterals;
import dev.keyless.service.name.InvalidNameException;
import dev.keyless.service.name.Names;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.BiFunction;
import java.util.function.Supplier;

/**
 * Validates a whole {@link PolicySpec} at write time and turns it into {@link PolicyRules}. Every
 * field is checked and all failures are reported together in one {@link InvalidPolicyException};
 * field names are the wire's snake_case paths ({@code servers.names[0]}, {@code sudo[2].command}).
 * Stateless and thread-safe.
 */
public final class PolicySpecValidator {
    public static final Duration DEFAULT_SESSION_TTL = Duration.ofMinutes(15);
    public static final Duration MIN_SESSION_TTL = Duration.ofSeconds(60);
    public static final Duration MAX_SESSION_TTL = Duration.ofHours(8);
    public static final Duration DEFAULT_ACCESS_TOKEN_TTL = Duration.ofMinutes(5);
    public static final Duration MIN_ACCESS_TOKEN_TTL = Duration.ofSeconds(60);
    public static final Duration MAX_ACCESS_TOKEN_TTL = Duration.ofHours(1);
    public static final int MAX_CONCURRENT_SESSIONS = 1000;
    /** The OpenSSH certificate extensions a policy may grant (PROTOCOL.certkeys). */
    public static final Set<String> EXTENSIONS = Set.of(
            "permit-X11-forwarding",
            "permit-agent-forwarding",
            "permit-port-forwarding",
            "permit-pty",
            "permit-user-rc");

    private static final int MAX_ROLES = 100;
    private static final int MAX_SERVER_NAMES = 500;
    private static final int MAX_LABELS = 32;
    private static final int MAX_SOURCE_ADDRESSES = 32;
    private static final int MAX_SECRET_GRANTS = 100;

    private PolicySpecValidator() {}

    /** Returns the normalized rules, or throws with every field error found. */
    public static PolicyRules validate(PolicySpec spec) {
        List<FieldError> errors = new ArrayList<>();
        if (spec == null) {
            throw new InvalidPolicyException(List.of(new FieldError("body", "is required")));
        }
        String name = check(errors, () -> Names.policy("name", spec.name()));
        List<String> roles = list(errors, "roles", spec.roles(), MAX_ROLES, true, Names::role);
        ServerSelector servers = spec.servers();
        List<String> serverNames = List.of();
        Map<String, String> labels = Map.of();
        List<SecretGrantRule> secrets = secrets(errors, spec.secrets());
        boolean grantsSecrets = spec.secrets() != null && !spec.secrets().isEmpty();
        if (servers == null) {
            // A policy that grants only secrets needs no servers; one that grants nothing is an error.
            if (!grantsSecrets) {
                errors.add(new FieldError("servers", "is required unless the policy grants secrets"));
            }
        } else {
            serverNames = list(errors, "servers.names", servers.names(), MAX_SERVER_NAMES, false, Names::server);
            labels = labels(errors, servers.labels());
            boolean noNames = servers.names() == null || servers.names().isEmpty();
            boolean noLabels = servers.labels() == null || servers.labels().isEmpty();
            if (noNames && noLabels) {
                errors.add(new FieldError("servers", "must name servers or labels; an empty selector matches nothing"));
            }
        }
        List<SudoCommand> sudo = sudo(errors, spec.sudo());
        Duration sessionTtl = ttl(
                errors,
                "session_ttl_seconds",
                spec.sessionTtlSeconds(),
                DEFAULT_SESSION_TTL,
                MIN_SESSION_TTL,
                MAX_SESSION_TTL);
        Duration accessTokenTtl = ttl(
                errors,
                "access_token_ttl_seconds",
                spec.accessTokenTtlSeconds(),
                DEFAULT_ACCESS_TOKEN_TTL,
                MIN_ACCESS_TOKEN_TTL,
                MAX_ACCESS_TOKEN_TTL);
        Integer maxSessions = spec.maxConcurrentSessions();
        if (maxSessions != null && (maxSessions < 1 || maxSessions > MAX_CONCURRENT_SESSIONS)) {
            errors.add(new FieldError("max_concurrent_sessions", "must be between 1 and " + MAX_CONCURRENT_SESSIONS));
        }
        List<String> extensions =
                list(errors, "extensions", spec.extensions(), EXTENSIONS.size(), false, PolicySpecValidator::extension);
        List<String> sources = list(
                errors,
                "source_addresses",
                spec.sourceAddresses(),
                MAX_SOURCE_ADDRESSES,
                false,
                PolicySpecValidator::sourceAddress);
        if (!errors.isEmpty()) {
            throw new InvalidPolicyException(errors);
        }
        return new PolicyRules(
                name,
                roles,
                serverNames,
                labels,
                sudo,
                sessionTtl,
                accessTokenTtl,
                maxSessions,
                extensions,
                sources,
                secrets);
    }

    private static List<SecretGrantRule> secrets(List<FieldError> errors, List<SecretGrant> grants) {
        if (grants == null || grants.isEmpty()) {
            return List.of();
        }
        if (grants.size() > MAX_SECRET_GRANTS) {
            errors.add(new FieldError("secrets", "holds more than " + MAX_SECRET_GRANTS + " grants"));
            return List.of();
        }
        List<SecretGrantRule> out = new ArrayList<>();
        for (int i = 0; i < grants.size(); i++) {
            String field = "secrets[" + i + "]";
            SecretGrant grant = grants.get(i);
            if (grant == null) {
                errors.add(new FieldError(field, "is required"));
                continue;
            }
            SecretPathPattern path = null;
            try {
                path = SecretPathPattern.parse(field + ".path", grant.path());
            } catch (InvalidNameException e) {
                errors.add(new FieldError(e.field(), e.rule()));
            }
            Set<SecretAction> actions = actions(errors, field + ".actions", grant.actions());
            if (path != null && !actions.isEmpty()) {
                out.add(new SecretGrantRule(path, actions));
            }
        }
        return List.copyOf(out);
    }

    private static Set<SecretAction> actions(List<FieldError> errors, String field, List<String> values) {
        String rule = "must hold one or both of list, reveal";
        if (values == null || values.isEmpty() || values.size() > SecretAction.values().length) {
            errors.add(new FieldError(field, rule));
            return Set.of();
        }
        Set<SecretAction> out = java.util.EnumSet.noneOf(SecretAction.class);
        for (String value : values) {
            java.util.Optional<SecretAction> action = SecretAction.fromWire(value);
            if (action.isEmpty() || !out.add(action.get())) {
                errors.add(new FieldError(field, rule));
                return Set.of();
            }
        }
        return out;
    }

    private static String extension(String field, String value) {
        if (value == null || !EXTENSIONS.contains(value)) {
            throw new InvalidNameException(field, "must be one of " + String.join(", ", new TreeSet<>(EXTENSIONS)));
        }
        return value;
    }

    private static String sourceAddress(String field, String value) {
        String cidr = value == null ? null : InetLiterals.cidr(value);
        if (cidr == null) {
            throw new InvalidNameException(field, "must be an IPv4 or IPv6 address or CIDR block with zero host bits");
        }
        return cidr;
    }

    /** Checks each element, dropping duplicates; a null list counts as empty. */
    private static List<String> list(
            List<FieldError> errors,
            String field,
            List<String> values,
            int max,
            boolean required,
            BiFunction<String, String, String> check) {
        if (values == null || values.isEmpty()) {
            if (required) {
                errors.add(new FieldError(field, "must hold at least one entry"));
            }
            return List.of();
        }
        if (values.size() > max) {
            errors.add(new FieldError(field, "holds more than " + max + " entries"));
            return List.of();
        }
        Set<String> out = new LinkedHashSet<>();
        for (int i = 0; i < values.size(); i++) {
            String element = field + "[" + i + "]";
            String value = values.get(i);
            String ok = check(errors, () -> check.apply(element, value));
            if (ok != null) {
                out.add(ok);
            }
        }
        return List.copyOf(out);
    }

    private static Map<String, String> labels(List<FieldError> errors, Map<String, String> labels) {
        if (labels == null || labels.isEmpty()) {
            return Map.of();
        }
        if (labels.size() > MAX_LABELS) {
            errors.add(new FieldError("servers.labels", "holds more than " + MAX_LABELS + " labels"));
            return Map.of();
        }
        // Sorted so errors come out in a stable order; a bad key is never echoed as a field name.
        Map<String, String> out = new TreeMap<>();
        for (Map.Entry<String, String> label : new TreeMap<>(labels).entrySet()) {
            String key = check(errors, () -> Names.labelKey("servers.labels", label.getKey()));
            if (key == null) {
                continue;
            }
            String value = check(errors, () -> Names.labelValue("servers.labels." + key, label.getValue()));
            if (value != null) {
                out.put(key, value);
            }
        }
        return out;
    }

    private static List<SudoCommand> sudo(List<FieldError> errors, List<SudoRule> rules) {
        if (rules == null || rules.isEmpty()) {
            return List.of();
        }
        if (rules.size() > SudoRuleGrammar.MAX_RULES) {
            errors.add(new FieldError("sudo", "holds more than " + SudoRuleGrammar.MAX_RULES + " rules"));
            return List.of();
        }
        Set<SudoCommand> out = new LinkedHashSet<>();
        for (int i = 0; i < rules.size(); i++) {
            try {
                out.add(SudoRuleGrammar.parse(i, rules.get(i)));
            } catch (InvalidSudoRuleException e) {
                errors.add(new FieldError(e.field(), e.reason()));
            }
        }
        return List.copyOf(out);
    }

    private static Duration ttl(
            List<FieldError> errors, String field, Integer seconds, Duration fallback, Duration min, Duration max) {
        if (seconds == null) {
            return fallback;
        }
        Duration ttl = Duration.ofSeconds(seconds);
        if (ttl.compareTo(min) < 0 || ttl.compareTo(max) > 0) {
            errors.add(new FieldError(field, "must be between " + min.toSeconds() + " and " + max.toSeconds()));
            return fallback;
        }
        return ttl;
    }

    private static String check(List<FieldError> errors, Supplier<String> validation) {
        try {
            return validation.get();
        } catch (InvalidNameException e) {
            errors.add(new FieldError(e.field(), e.rule()));
            return null;
        }
    }
}

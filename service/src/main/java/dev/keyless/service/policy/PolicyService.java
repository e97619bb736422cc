package dev.keyless.service.policy;

import static dev.keyless.protocol.AdminRole.SECURITY_ADMIN;

import dev.keyless.protocol.AuditEventType;
import dev.keyless.protocol.PolicyRequests.PolicySpec;
import dev.keyless.protocol.PolicyRequests.PolicyView;
import dev.keyless.protocol.ProblemType;
import dev.keyless.service.audit.AuditEntry;
import dev.keyless.service.audit.AuditService;
import dev.keyless.service.caller.AdminPrincipal;
import dev.keyless.service.db.Db;
import dev.keyless.service.db.Generations;
import dev.keyless.service.db.Json;
import dev.keyless.service.problem.KeylessException;
import dev.keyless.service.role.RoleService;
import dev.keyless.service.team.TeamService;
import dev.keyless.service.team.VersionedCache;
import io.micronaut.context.event.ApplicationEventPublisher;
import jakarta.inject.Singleton;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Policies (security admins only). Deleting a policy, or removing a role from one, retires the
 * access tokens of the roles that lose it, by advancing those roles' generations.
 */
@Singleton
public class PolicyService {
    private static final String ROLE_GENERATION = "role";

    private final Db db;
    private final Clock clock;
    private final AuditService audit;
    private final ApplicationEventPublisher<PolicyChanged> changes;
    private final VersionedCache<List<StoredPolicy>> cache = new VersionedCache<>();

    PolicyService(Db db, Clock clock, AuditService audit, ApplicationEventPublisher<PolicyChanged> changes) {
        this.db = db;
        this.clock = clock;
        this.audit = audit;
        this.changes = changes;
    }

    /** A validated policy and its normalized spec as stored. */
    record StoredPolicy(PolicyRules rules, PolicySpec spec, Instant updatedAt) {
        PolicyView view() {
            return PolicyViews.view(rules, spec, updatedAt);
        }
    }

    /** The team's policies as of the configuration version, ready for the engine. */
    public List<PolicyRules> rules(String team, long configVersion) {
        return cache.get(team, configVersion, () -> db.read(c -> all(c, team))).stream()
                .map(StoredPolicy::rules)
                .toList();
    }

    public PolicyView create(AdminPrincipal by, PolicySpec spec) {
        by.require(SECURITY_ADMIN);
        PolicyRules rules = validate(spec);
        Instant now = clock.instant();
        db.write(c -> {
            TeamService.configVersion(c, by.team());
            if (!PolicyRepository.insert(c, by.team(), rules.name(), spec, now)) {
                throw new KeylessException(
                        ProblemType.ALREADY_EXISTS, "A policy named '" + rules.name() + "' already exists");
            }
            TeamService.bumpConfigVersion(c, by.team());
            audit.record(event(by, AuditEventType.POLICY_CREATE, rules.name())
                    .detail("roles", String.join(",", rules.roles())));
            return null;
        });
        return PolicyViews.view(rules, spec, now);
    }

    public PolicyView update(AdminPrincipal by, String name, PolicySpec spec) {
        by.require(SECURITY_ADMIN);
        if (spec.name() != null && !spec.name().equals(name)) {
            throw KeylessException.invalid("name", "must be absent or equal to the name in the path");
        }
        PolicySpec named = PolicyViews.withName(spec, name);
        PolicyRules rules = validate(named);
        Instant now = clock.instant();
        db.write(c -> {
            StoredPolicy current =
                    find(c, by.team(), name).orElseThrow(() -> KeylessException.notFound("policy", name));
            Set<String> removed = new HashSet<>(current.rules().roles());
            removed.removeAll(rules.roles());
            retire(c, by.team(), removed);
            PolicyRepository.update(c, by.team(), name, named, now);
            TeamService.bumpConfigVersion(c, by.team());
            audit.record(
                    event(by, AuditEventType.POLICY_UPDATE, name).detail("roles", String.join(",", rules.roles())));
            return null;
        });
        changes.publishEvent(new PolicyChanged(by.team()));
        return PolicyViews.view(rules, named, now);
    }

    public void delete(AdminPrincipal by, String name) {
        by.require(SECURITY_ADMIN);
        db.write(c -> {
            StoredPolicy current =
                    find(c, by.team(), name).orElseThrow(() -> KeylessException.notFound("policy", name));
            retire(c, by.team(), new HashSet<>(current.rules().roles()));
            PolicyRepository.delete(c, by.team(), name);
            TeamService.bumpConfigVersion(c, by.team());
            audit.record(event(by, AuditEventType.POLICY_DELETE, name));
            return null;
        });
        changes.publishEvent(new PolicyChanged(by.team()));
    }

    public PolicyView get(AdminPrincipal by, String name) {
        return db.read(c -> find(c, by.team(), name))
                .map(StoredPolicy::view)
                .orElseThrow(() -> KeylessException.notFound("policy", name));
    }

    public List<PolicyView> list(AdminPrincipal by) {
        return db.read(c -> all(c, by.team())).stream().map(StoredPolicy::view).toList();
    }

    /** Advances the generation of each role so its outstanding access tokens stop working. */
    private static void retire(Connection c, String team, Set<String> roles) throws SQLException {
        for (String role : roles) {
            long generation = Generations.next(c, team, ROLE_GENERATION, role);
            RoleService.setGeneration(c, team, role, generation);
        }
    }

    /**
     * The policy this spec would be, validated exactly as a save would (the same problem with the
     * same {@code errors[]}); stores nothing. A spec without a name is checked as if named.
     */
    public static PolicyRules check(PolicySpec spec) {
        if (spec.name() == null || spec.name().isBlank()) {
            spec = new PolicySpec(
                    "preview",
                    spec.roles(),
                    spec.servers(),
                    spec.sudo(),
                    spec.sessionTtlSeconds(),
                    spec.accessTokenTtlSeconds(),
                    spec.maxConcurrentSessions(),
                    spec.extensions(),
                    spec.sourceAddresses(),
                    spec.secrets());
        }
        return validate(spec);
    }

    private static PolicyRules validate(PolicySpec spec) {
        try {
            return PolicySpecValidator.validate(spec);
        } catch (InvalidPolicyException e) {
            throw KeylessException.invalid(e.errors().stream()
                    .map(f -> new dev.keyless.protocol.Problem.FieldError(f.field(), f.message()))
                    .toList());
        }
    }

    private static List<StoredPolicy> all(Connection c, String team) throws SQLException {
        return PolicyRepository.all(c, team).stream()
                .map(r -> stored(r.spec(), r.updatedAt()))
                .toList();
    }

    private static Optional<StoredPolicy> find(Connection c, String team, String name) throws SQLException {
        return PolicyRepository.find(c, team, name).map(r -> stored(r.spec(), r.updatedAt()));
    }

    private static StoredPolicy stored(String json, Instant updatedAt) {
        PolicySpec spec = Json.read(json, PolicySpec.class);
        return new StoredPolicy(PolicySpecValidator.validate(spec), spec, updatedAt);
    }

    private static AuditEntry event(AdminPrincipal by, String type, String policy) {
        return AuditEntry.of(by.team(), type).by(by).detail("policy", policy);
    }
}

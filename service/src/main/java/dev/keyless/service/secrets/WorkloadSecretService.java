package dev.keyless.service.secrets;

import dev.keyless.protocol.AuditEventType;
import dev.keyless.protocol.ProblemType;
import dev.keyless.protocol.SecretRequests.Reveal;
import dev.keyless.protocol.SecretRequests.Revealed;
import dev.keyless.protocol.SecretRequests.SecretList;
import dev.keyless.protocol.SecretRequests.SecretView;
import dev.keyless.service.audit.AuditEntry;
import dev.keyless.service.audit.AuditService;
import dev.keyless.service.db.DatabaseUnavailableException;
import dev.keyless.service.db.Db;
import dev.keyless.service.metrics.KeylessMetrics;
import dev.keyless.service.name.InvalidNameException;
import dev.keyless.service.name.SecretNames;
import dev.keyless.service.policy.PolicyRules;
import dev.keyless.service.policy.SecretAction;
import dev.keyless.service.policy.SecretPolicyEngine;
import dev.keyless.service.problem.KeylessException;
import dev.keyless.service.problem.Rejection;
import dev.keyless.service.sealing.SecretBoxException;
import dev.keyless.service.workload.WorkloadPrincipal;
import jakarta.inject.Singleton;
import java.util.Arrays;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The workload side of secrets: list, describe and reveal what the role's policies grant. Each
 * grant is decided from the policies alone before anything is read, so a refusal says nothing
 * about which secrets exist. Every reveal, granted or refused, is audited ({@code secret.reveal})
 * with the role, the platform subject, the access token and run ids, the path, name and version;
 * never the value. A reveal commits its audit event before the value leaves the service.
 */
@Singleton
public class WorkloadSecretService {
    private static final Logger LOG = LoggerFactory.getLogger(WorkloadSecretService.class);

    private final Db db;
    private final AuditService audit;
    private final SecretEnvelope envelope;
    private final dev.keyless.service.policy.PolicyService policies;

    private final KeylessMetrics metrics;

    WorkloadSecretService(
            Db db,
            AuditService audit,
            SecretEnvelope envelope,
            dev.keyless.service.policy.PolicyService policies,
            KeylessMetrics metrics) {
        this.metrics = metrics;
        this.db = db;
        this.audit = audit;
        this.envelope = envelope;
        this.policies = policies;
    }

    /** Secrets in {@code path} or below (anywhere when null) that the role may list. */
    public SecretList list(WorkloadPrincipal who, String rawPath) {
        String path = rawPath == null ? null : SecretInputs.folder("path", rawPath);
        List<String> folder = path == null ? List.of() : SecretInputs.segments("path", path);
        List<PolicyRules> rules = rules(who);
        if (!SecretPolicyEngine.mayListWithin(who.role(), folder, rules)) {
            throw denied(who, SecretAction.LIST, path == null ? "/" : path);
        }
        return db.read(c -> {
            if (path != null && !SecretRepository.folderExists(c, who.team(), path)) {
                throw SecretAdminService.folderNotFound(path);
            }
            List<SecretView> visible = SecretRepository.secretsWithin(c, who.team(), path, false).stream()
                    .filter(s -> SecretPolicyEngine.allows(
                            who.role(), SecretAction.LIST, SecretNames.segments("path", s.folder()), s.name(), rules))
                    .map(s -> s.view(java.time.Duration.ZERO))
                    .toList();
            return new SecretList(visible);
        });
    }

    /** A secret's metadata, for a role that may list or reveal it. */
    public SecretView describe(WorkloadPrincipal who, String rawPath, String rawName) {
        String path = SecretInputs.folder("path", rawPath);
        String name = SecretInputs.name(rawName);
        List<String> folder = SecretInputs.segments("path", path);
        List<PolicyRules> rules = rules(who);
        if (!SecretPolicyEngine.allows(who.role(), SecretAction.LIST, folder, name, rules)
                && !SecretPolicyEngine.allows(who.role(), SecretAction.REVEAL, folder, name, rules)) {
            throw denied(who, SecretAction.LIST, path + "/" + name);
        }
        return db.read(c -> SecretRepository.secret(c, who.team(), path, name, false))
                .filter(s -> !s.deleted())
                .map(s -> s.view(java.time.Duration.ZERO))
                .orElseThrow(() -> SecretAdminService.secretNotFound(path, name));
    }

    public Revealed reveal(WorkloadPrincipal who, Reveal request, String clientIp) {
        Target target = new Target();
        try {
            Revealed revealed = reveal(who, request, clientIp, target);
            metrics.secretReveal(who.team(), null);
            return revealed;
        } catch (DatabaseUnavailableException e) {
            throw e; // not a verdict: nothing to audit, the client retries
        } catch (KeylessException | InvalidNameException e) {
            String reason = ((Rejection) e).problemType().slug();
            audit.record(event(who, clientIp, target).failure(reason));
            metrics.secretReveal(who.team(), reason);
            throw e;
        }
    }

    /** What is known of the request so far, for the audit event of a refusal; only checked values. */
    private static final class Target {
        String path;
        String name;
        Long version;
    }

    private Revealed reveal(WorkloadPrincipal who, Reveal request, String clientIp, Target target) {
        if (request == null) {
            throw KeylessException.invalid("body", "is required");
        }
        target.path = SecretInputs.folder("path", request.path());
        target.name = SecretInputs.name(request.name());
        target.version = request.version() == null ? null : SecretInputs.version("version", request.version());
        String path = target.path;
        String name = target.name;
        if (!SecretPolicyEngine.allows(
                who.role(), SecretAction.REVEAL, SecretInputs.segments("path", path), name, rules(who))) {
            throw denied(who, SecretAction.REVEAL, path + "/" + name);
        }
        return db.write(c -> {
            StoredSecret secret = SecretRepository.secret(c, who.team(), path, name, false)
                    .filter(s -> !s.deleted())
                    .orElseThrow(() -> SecretAdminService.secretNotFound(path, name));
            long version = target.version == null ? secret.latestVersion() : target.version;
            target.version = version;
            SecretCoordinates at = new SecretCoordinates(who.team(), path, name, version);
            StoredVersion stored = SecretRepository.version(c, at)
                    .orElseThrow(() -> new KeylessException(
                            ProblemType.SECRET_NOT_FOUND,
                            "The secret " + path + "/" + name + " has no version " + version));
            if (stored.sealed() == null) {
                throw new KeylessException(
                        ProblemType.SECRET_VERSION_DESTROYED,
                        "Version " + version + " of " + path + "/" + name + " was destroyed");
            }
            String value = open(at, stored);
            audit.record(event(who, clientIp, target));
            return new Revealed(path, name, version, stored.encoding(), value);
        });
    }

    private String open(SecretCoordinates at, StoredVersion stored) {
        byte[] bytes;
        try {
            bytes = envelope.open(at, stored.sealed());
        } catch (SecretBoxException e) {
            // Storage was altered, or a sealed pair was copied from another row: never a client error.
            LOG.error(
                    "secret {}/{} version {} of team {} does not open: {}",
                    at.folder(),
                    at.name(),
                    at.version(),
                    at.team(),
                    e.getMessage());
            throw new KeylessException(
                    ProblemType.SECRET_UNREADABLE,
                    "The stored value of " + at.folder() + "/" + at.name() + " does not authenticate");
        }
        try {
            return SecretValues.encode(bytes, stored.encoding());
        } finally {
            Arrays.fill(bytes, (byte) 0);
        }
    }

    private List<PolicyRules> rules(WorkloadPrincipal who) {
        return policies.rules(who.team(), who.configVersion());
    }

    private static KeylessException denied(WorkloadPrincipal who, SecretAction action, String path) {
        return new KeylessException(
                ProblemType.SECRET_DENIED,
                "No policy grants role '" + who.role() + "' " + action.wireName() + " on " + path,
                null,
                action.wireName(),
                null,
                null);
    }

    private static AuditEntry event(WorkloadPrincipal who, String clientIp, Target target) {
        AuditEntry entry = AuditEntry.of(who.team(), AuditEventType.SECRET_REVEAL)
                .actor("workload", who.subject())
                .connection(who.connection())
                .role(who.role())
                .subject(who.subject())
                .clientIp(clientIp)
                .token(who.tokenId(), null)
                .detail("path", target.path)
                .detail("name", target.name)
                .detail("version", target.version == null ? null : Long.toString(target.version));
        if (who.runId() != null) {
            entry.detail("run_id", who.runId());
        }
        return entry;
    }
}

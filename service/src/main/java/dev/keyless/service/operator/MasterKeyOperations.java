package dev.keyless.service.operator;

import dev.keyless.protocol.AdminRequests.MasterKeyResealed;
import dev.keyless.protocol.AuditEventType;
import dev.keyless.service.audit.AuditEntry;
import dev.keyless.service.audit.AuditService;
import dev.keyless.service.config.KeylessSettings;
import dev.keyless.service.sealing.MasterKeyRotation;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Who may re-seal (the operator, as for teams), the re-seal itself, and its audit event and log line. */
@Singleton
final class MasterKeyOperations {
    private static final Logger LOG = LoggerFactory.getLogger(MasterKeyOperations.class);

    private final TeamCreation operators;
    private final MasterKeyRotation rotation;
    private final AuditService audit;
    private final String bootstrapTeam;

    MasterKeyOperations(
            TeamCreation operators, MasterKeyRotation rotation, AuditService audit, KeylessSettings settings) {
        this.operators = operators;
        this.rotation = rotation;
        this.audit = audit;
        this.bootstrapTeam = settings.bootstrapTeam();
    }

    MasterKeyResealed reseal(String authorization) {
        TeamCreation.Operator by = operators.operator(authorization);
        MasterKeyRotation.Result result = rotation.reseal();
        AuditEntry entry = AuditEntry.of(bootstrapTeam, AuditEventType.MASTER_KEY_RESEAL)
                .actor(by.actorType(), by.actorId())
                .detail("previous_key_held", Boolean.toString(result.previousKeyHeld()));
        result.resealed().forEach((kind, count) -> entry.detail(kind, Integer.toString(count)));
        audit.record(entry);
        LOG.info(
                "master key re-seal: {} moved onto the current key; previous key {}",
                result.resealed(),
                result.previousKeyHeld() ? "still held: remove it and restart the replicas" : "not held");
        return new MasterKeyResealed(result.resealed(), result.previousKeyHeld());
    }
}

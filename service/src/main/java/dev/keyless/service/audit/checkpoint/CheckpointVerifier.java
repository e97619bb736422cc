package dev.keyless.service.audit.checkpoint;

import dev.keyless.protocol.AuditRequests.AuditVerification;
import dev.keyless.service.audit.AuditService;
import dev.keyless.service.audit.ChainHead;
import io.micronaut.context.annotation.Value;
import io.micronaut.core.annotation.Nullable;
import jakarta.inject.Singleton;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Holds the database's chain against checkpoints kept outside it. The chain must verify by itself,
 * and for every checkpoint signed by a trusted key, the chain must reach its seq and have its hash
 * there. A hash at seq S commits to every event up to S, so an event edited (even with the whole
 * chain recomputed), deleted or re-ordered at or before S, and a tail cut off below S, all fail.
 */
@Singleton
final class CheckpointVerifier {
    private final AuditService audit;
    private final Set<String> trustedKeyIds = new HashSet<>();

    CheckpointVerifier(
            AuditService audit,
            CheckpointSigner signer,
            @Nullable @Value("${keyless.audit.checkpoint.trusted-keys:}") List<String> trustedKeys) {
        this.audit = audit;
        trustedKeyIds.add(signer.key().keyId());
        if (trustedKeys != null) {
            for (String k : trustedKeys) {
                if (!k.isBlank()) {
                    trustedKeyIds.add(CheckpointKey.keyId(Base64.getDecoder().decode(k.strip())));
                }
            }
        }
    }

    CheckpointVerification verify(String team, List<Checkpoint> checkpoints) {
        for (int i = 0; i < checkpoints.size(); i++) {
            Checkpoint cp = checkpoints.get(i);
            if (!signedByTrustedKey(cp)) {
                return CheckpointVerification.broken(
                        0,
                        i,
                        null,
                        "checkpoint " + i + " (seq " + cp.seq() + ", signed at " + cp.signedAt()
                                + ") is not signed by a trusted checkpoint key");
            }
        }
        AuditVerification chain = audit.verify(team);
        if (!chain.valid()) {
            return CheckpointVerification.broken(chain.eventsChecked(), 0, chain.firstBrokenSeq(), chain.detail());
        }
        ChainHead head = audit.head(team);
        int checked = 0;
        for (Checkpoint cp : checkpoints) {
            if (cp.seq() > head.seq()) {
                return CheckpointVerification.broken(
                        chain.eventsChecked(),
                        checked,
                        head.seq() + 1,
                        "the chain ends at seq " + head.seq() + " but the checkpoint signed at " + cp.signedAt()
                                + " covers seq " + cp.seq() + ": events were deleted (truncated history)");
            }
            Optional<String> hash = cp.seq() == 0 ? Optional.of(cp.headHash()) : audit.hashAt(team, cp.seq());
            if (hash.isEmpty() || !hash.get().equals(cp.headHash())) {
                return CheckpointVerification.broken(
                        chain.eventsChecked(),
                        checked,
                        cp.seq(),
                        "event " + cp.seq() + " is not the one checkpointed at " + cp.signedAt()
                                + ": the history up to it was rewritten");
            }
            checked++;
        }
        return new CheckpointVerification(
                true, chain.eventsChecked(), checked, null, "chain intact and matches " + checked + " checkpoint(s)");
    }

    private boolean signedByTrustedKey(Checkpoint cp) {
        byte[] publicKey;
        byte[] signature;
        try {
            publicKey = Base64.getDecoder().decode(cp.publicKey());
            signature = Base64.getUrlDecoder().decode(cp.signature());
        } catch (IllegalArgumentException e) {
            return false;
        }
        return trustedKeyIds.contains(CheckpointKey.keyId(publicKey))
                && CheckpointKey.keyId(publicKey).equals(cp.keyId())
                && CheckpointKey.verify(publicKey, cp.signedPart(), signature);
    }
}

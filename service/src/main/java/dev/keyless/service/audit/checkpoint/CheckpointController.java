package dev.keyless.service.audit.checkpoint;

import static dev.keyless.protocol.AdminRole.AUDITOR;
import static dev.keyless.protocol.AdminRole.SECURITY_ADMIN;

import dev.keyless.service.caller.AdminPrincipal;
import dev.keyless.service.problem.KeylessException;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Post;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code POST /v1/teams/{team}/audit/verify} with checkpoints from outside the database, and
 * {@code GET /v1/audit/checkpoint-key}, the public key that signs them.
 */
@Controller
final class CheckpointController {
    static final int MAX_CHECKPOINTS = 100;

    /** A checkpoint line as the file and the streams carry it. */
    public record CheckpointLine(
            Integer schemaVersion,
            String recordType,
            String team,
            Long seq,
            String headHash,
            Instant signedAt,
            String keyId,
            String publicKey,
            String signature) {}

    public record VerifyRequest(List<CheckpointLine> checkpoints) {}

    public record CheckpointKeyView(String algorithm, String keyId, String publicKey) {}

    private final CheckpointVerifier verifier;
    private final CheckpointSigner signer;

    CheckpointController(CheckpointVerifier verifier, CheckpointSigner signer) {
        this.verifier = verifier;
        this.signer = signer;
    }

    @Get("/v1/audit/checkpoint-key")
    CheckpointKeyView key() {
        return new CheckpointKeyView(
                "Ed25519", signer.key().keyId(), signer.key().publicKeyBase64());
    }

    @Post("/v1/teams/{team}/audit/verify")
    CheckpointVerification verify(String team, AdminPrincipal admin, @Body VerifyRequest request) {
        admin.require(SECURITY_ADMIN, AUDITOR);
        if (request.checkpoints() == null
                || request.checkpoints().isEmpty()
                || request.checkpoints().size() > MAX_CHECKPOINTS) {
            throw KeylessException.invalid("checkpoints", "must hold 1 to " + MAX_CHECKPOINTS + " checkpoints");
        }
        List<Checkpoint> checkpoints = new ArrayList<>();
        for (int i = 0; i < request.checkpoints().size(); i++) {
            checkpoints.add(checked(admin.team(), i, request.checkpoints().get(i)));
        }
        return verifier.verify(admin.team(), checkpoints);
    }

    private static Checkpoint checked(String team, int i, CheckpointLine line) {
        String at = "checkpoints[" + i + "]";
        if (line == null) {
            throw KeylessException.invalid(at, "must be a checkpoint");
        }
        if (line.recordType() != null && !line.recordType().equals("audit_checkpoint")) {
            throw KeylessException.invalid(at + ".record_type", "must be audit_checkpoint");
        }
        if (!team.equals(line.team())) {
            throw KeylessException.invalid(at + ".team", "must be this team");
        }
        if (line.seq() == null || line.seq() < 0) {
            throw KeylessException.invalid(at + ".seq", "must be a sequence number");
        }
        if (line.signedAt() == null) {
            throw KeylessException.invalid(at + ".signed_at", "is required");
        }
        return new Checkpoint(
                bounded(at + ".head_hash", line.headHash(), 64),
                bounded(at + ".key_id", line.keyId(), 64),
                bounded(at + ".public_key", line.publicKey(), 64),
                line.seq(),
                line.signedAt(),
                line.team(),
                bounded(at + ".signature", line.signature(), 128));
    }

    private static String bounded(String field, String value, int max) {
        if (value == null || value.isEmpty() || value.length() > max) {
            throw KeylessException.invalid(field, "must be 1 to " + max + " characters");
        }
        return value;
    }
}

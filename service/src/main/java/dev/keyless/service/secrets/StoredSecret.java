package dev.keyless.service.secrets;

import dev.keyless.protocol.SecretRequests.SecretView;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/** A secret's row: metadata only, never a value. */
record StoredSecret(
        String team,
        String folder,
        String name,
        long latestVersion,
        String encoding,
        String description,
        Map<String, String> labels,
        String createdBy,
        Instant createdAt,
        String updatedBy,
        Instant updatedAt,
        Instant deletedAt) {

    boolean deleted() {
        return deletedAt != null;
    }

    /** Deleted longer ago than the undelete window: as good as gone, purged on the next write. */
    boolean purgeable(Instant now, Duration window) {
        return deletedAt != null && !now.isBefore(deletedAt.plus(window));
    }

    SecretView view(Duration undeleteWindow) {
        return new SecretView(
                folder,
                name,
                latestVersion,
                encoding,
                description,
                labels,
                createdBy,
                createdAt,
                updatedBy,
                updatedAt,
                deletedAt,
                deletedAt == null ? null : deletedAt.plus(undeleteWindow));
    }
}

package dev.keyless.service.secrets;

import dev.keyless.protocol.SecretRequests.VersionView;
import java.time.Instant;

/** A version's row; {@code sealed} is null once the version is destroyed. */
record StoredVersion(
        long version, String encoding, SealedValue sealed, String createdBy, Instant createdAt, Instant destroyedAt) {
    VersionView view() {
        return new VersionView(version, encoding, createdBy, createdAt, destroyedAt);
    }
}

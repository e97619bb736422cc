package dev.keyless.service.secrets;

import io.micronaut.context.annotation.Value;
import jakarta.inject.Singleton;
import java.time.Duration;

/** {@code keyless.secrets.*}. */
@Singleton
final class SecretSettings {
    private final Duration undeleteWindow;

    SecretSettings(@Value("${keyless.secrets.undelete-window:7d}") Duration undeleteWindow) {
        if (undeleteWindow.isNegative()) {
            throw new IllegalArgumentException("keyless.secrets.undelete-window must not be negative");
        }
        this.undeleteWindow = undeleteWindow;
    }

    /** How long a deleted secret can be undeleted; after it, the secret and its versions are purged. */
    Duration undeleteWindow() {
        return undeleteWindow;
    }
}

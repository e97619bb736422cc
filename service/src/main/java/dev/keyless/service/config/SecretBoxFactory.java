package dev.keyless.service.config;

import dev.keyless.service.sealing.MasterKeySource;
import dev.keyless.service.sealing.SecretBox;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Value;
import io.micronaut.core.annotation.Nullable;
import jakarta.inject.Singleton;
import java.util.HashMap;
import java.util.Map;

/**
 * The master key (from {@code KEYLESS_MASTER_KEY}, the file {@code KEYLESS_MASTER_KEY_FILE} names, or a
 * 0600 key file in the data dir), and during a rotation the previous one ({@code
 * KEYLESS_MASTER_KEY_PREVIOUS}, {@code KEYLESS_MASTER_KEY_PREVIOUS_FILE}, or {@code
 * master.key.previous}).
 */
@Factory
final class SecretBoxFactory {
    @Singleton
    SecretBox secretBox(
            KeylessSettings settings,
            java.security.SecureRandom random,
            @Nullable @Value("${keyless.master-key-previous:}") String previous,
            @Nullable @Value("${keyless.master-key-file:}") String file,
            @Nullable @Value("${keyless.master-key-previous-file:}") String previousFile) {
        Map<String, String> env = new HashMap<>();
        if (settings.masterKey() != null) {
            env.put(MasterKeySource.ENV, settings.masterKey());
        }
        if (previous != null && !previous.isBlank()) {
            env.put(MasterKeySource.PREVIOUS_ENV, previous);
        }
        if (file != null && !file.isBlank()) {
            env.put(MasterKeySource.FILE_ENV, file);
        }
        if (previousFile != null && !previousFile.isBlank()) {
            env.put(MasterKeySource.PREVIOUS_FILE_ENV, previousFile);
        }
        return new MasterKeySource(env, settings.dataDir(), random).secretBox();
    }
}

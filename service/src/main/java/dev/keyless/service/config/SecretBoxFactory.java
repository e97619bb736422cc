package dev.keyless.service.config;

import dev.keyless.service.sealing.MasterKeySource;
import dev.keyless.service.sealing.SecretBox;
import io.micronaut.context.annotation.Factory;
import jakarta.inject.Singleton;
import java.util.HashMap;
import java.util.Map;

/** The master key (from {@code KEYLESS_MASTER_KEY}, or a 0600 key file in the data dir). */
@Factory
final class SecretBoxFactory {
    @Singleton
    SecretBox secretBox(KeylessSettings settings, java.security.SecureRandom random) {
        Map<String, String> env = new HashMap<>();
        if (settings.masterKey() != null) {
            env.put("KEYLESS_MASTER_KEY", settings.masterKey());
        }
        return new MasterKeySource(env, settings.dataDir(), random).secretBox();
    }
}

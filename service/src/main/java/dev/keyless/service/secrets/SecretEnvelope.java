package dev.keyless.service.secrets;

import dev.keyless.service.sealing.SecretBox;
import jakarta.inject.Singleton;
import java.security.SecureRandom;
import java.util.Arrays;

/**
 * Envelope encryption of secret values. Each version gets a fresh 256-bit data key; the value is
 * sealed under it with AES-256-GCM ({@link SecretBox}), bound to the version's team, folder, name
 * and version, and the data key is sealed under the master key with the same binding. A sealed
 * pair copied to another row fails to open; rotating the master key re-seals data keys only
 * ({@code reseal}). Keys and plaintexts are wiped as soon as they are used. Thread-safe.
 */
@Singleton
final class SecretEnvelope {
    private final SecretBox master;
    private final SecureRandom random;

    SecretEnvelope(SecretBox master, SecureRandom random) {
        this.master = master;
        this.random = random;
    }

    SealedValue seal(SecretCoordinates at, byte[] value) {
        byte[] dataKey = new byte[SecretBox.KEY_SIZE];
        random.nextBytes(dataKey);
        try {
            String sealedValue = new SecretBox(dataKey, random).seal(value, at.valueAad());
            return new SealedValue(master.seal(dataKey, at.keyAad()), sealedValue);
        } finally {
            Arrays.fill(dataKey, (byte) 0);
        }
    }

    /**
     * The value of a sealed version; the caller wipes it.
     *
     * @throws dev.keyless.service.sealing.SecretBoxException when either layer does not open
     */
    byte[] open(SecretCoordinates at, SealedValue sealed) {
        byte[] dataKey = master.open(sealed.sealedKey(), at.keyAad());
        try {
            return new SecretBox(dataKey, random).open(sealed.sealedValue(), at.valueAad());
        } finally {
            Arrays.fill(dataKey, (byte) 0);
        }
    }
}

package dev.keyless.service.secrets;

import dev.keyless.service.db.Db;
import dev.keyless.service.sealing.SecretBox;
import dev.keyless.service.sealing.SecretBoxException;
import jakarta.inject.Singleton;
import java.util.List;
import java.util.Map;

/**
 * The secrets' part of a master-key rotation: every live data key is opened under the old master
 * key and sealed again under the new one, in one transaction; sealed values are not touched (their
 * data keys do not change). Returns how many data keys were re-sealed. A key that does not open
 * under {@code from} fails the whole rotation, so nothing is left half under each key.
 */
@Singleton
public class SecretResealer {
    private final Db db;

    SecretResealer(Db db) {
        this.db = db;
    }

    public int reseal(SecretBox from, SecretBox to) {
        return db.write(c -> {
            List<Map.Entry<SecretCoordinates, String>> keys = SecretRepository.sealedKeys(c);
            for (Map.Entry<SecretCoordinates, String> key : keys) {
                SecretCoordinates at = key.getKey();
                String resealed;
                try {
                    resealed = SecretEnvelope.reseal(from, to, at, key.getValue());
                } catch (SecretBoxException e) {
                    throw new IllegalStateException(
                            "the data key of " + at.folder() + "/" + at.name() + " version " + at.version()
                                    + " of team " + at.team()
                                    + " does not open under the old master key; nothing was re-sealed",
                            e);
                }
                SecretRepository.updateSealedKey(c, at, resealed);
            }
            return keys.size();
        });
    }
}

package dev.keyless.service.secrets;

import dev.keyless.service.sealing.Resealer;
import dev.keyless.service.sealing.SecretBox;
import jakarta.inject.Singleton;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;

/**
 * The secrets' part of a master-key rotation: every live data key still under the previous master
 * key is sealed again under the current one; sealed values are not touched (their data keys do
 * not change). Destroyed versions have no key left to move.
 */
@Singleton
public class SecretResealer implements Resealer {
    @Override
    public String name() {
        return "secret_data_keys";
    }

    @Override
    public int reseal(Connection c, SecretBox box) throws SQLException {
        List<Map.Entry<SecretCoordinates, String>> keys = SecretRepository.sealedKeys(c);
        int changed = 0;
        for (Map.Entry<SecretCoordinates, String> key : keys) {
            SecretCoordinates at = key.getKey();
            String resealed = box.reseal(key.getValue(), at.keyAad());
            if (resealed != null) {
                SecretRepository.updateSealedKey(c, at, resealed);
                changed++;
            }
        }
        return changed;
    }
}

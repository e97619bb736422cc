package dev.keyless.service.sealing;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * One feature's values sealed under the master key (CA keys, the access-token signing key, the
 * secrets' data keys), moved onto the current key during a rotation. The feature owns its table;
 * {@link MasterKeyRotation} owns the order and the one transaction they all run in.
 */
public interface Resealer {
    /** The report's name of what it re-seals, {@code snake_case}: {@code ca_keys}. */
    String name();

    /**
     * Re-seals, inside the caller's transaction, every value still sealed under the previous key
     * ({@link SecretBox#reseal}); returns how many it changed.
     *
     * @throws SecretBoxException when a value opens under neither key (the rotation then rolls back)
     */
    int reseal(Connection c, SecretBox box) throws SQLException;
}

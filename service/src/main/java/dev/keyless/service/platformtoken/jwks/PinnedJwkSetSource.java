package dev.keyless.service.platformtoken.jwks;

import com.nimbusds.jose.jwk.JWKSet;
import java.text.ParseException;
import java.time.Instant;
import java.util.Map;

/**
 * A key set the admin pasted, for issuers the service cannot reach. Never fetches; an unknown
 * {@code kid} stays unknown until the admin updates the connection. Immutable and thread-safe.
 */
public final class PinnedJwkSetSource implements JwkSetSource {
    private final JWKSet keys;
    private final Instant pinnedAt;

    private PinnedJwkSetSource(JWKSet keys, Instant pinnedAt) {
        this.keys = keys;
        this.pinnedAt = pinnedAt;
    }

    /**
     * Validates a pasted JWKS (JSON object decoded to plain Java).
     *
     * @throws InvalidProviderSettingsException field {@code jwks} when it is not a key set of at most
     *     {@code maxKeys} public asymmetric signature keys
     */
    public static PinnedJwkSetSource of(Map<String, Object> jwks, int maxKeys, Instant pinnedAt) {
        if (jwks == null) {
            throw new InvalidProviderSettingsException("jwks", "a key set is required");
        }
        try {
            return new PinnedJwkSetSource(KeySetRules.usable(jwks, maxKeys), pinnedAt);
        } catch (ParseException | RuntimeException e) {
            throw new InvalidProviderSettingsException("jwks", "the key set is not usable: " + e.getMessage());
        }
    }

    @Override
    public JWKSet keys() {
        return keys;
    }

    @Override
    public JWKSet keysAfterUnknownKid() {
        return keys;
    }

    @Override
    public JwksHealth health() {
        return new JwksHealth(pinnedAt, null, null, false, keys.getKeys().size());
    }
}

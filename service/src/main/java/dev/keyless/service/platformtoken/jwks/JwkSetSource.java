package dev.keyless.service.platformtoken.jwks;

import com.nimbusds.jose.jwk.JWKSet;

/**
 * Supplies an issuer's public signing keys. Implementations are thread-safe and shared by every
 * verification of one connection (see {@link JwkSetSources}). Returned sets hold only public
 * asymmetric keys.
 */
public interface JwkSetSource {

    /**
     * The keys to verify with, fetching first when the cache is cold or due.
     *
     * @throws TokenVerificationException {@code JWKS_UNAVAILABLE} when no usable keys are known
     */
    JWKSet keys();

    /**
     * The keys after a token named a {@code kid} not in {@link #keys()}: a source may fetch again
     * (the issuer may have rotated) but must rate-limit, since any caller can invent key ids.
     *
     * @throws TokenVerificationException {@code JWKS_UNAVAILABLE} when no usable keys are known
     */
    JWKSet keysAfterUnknownKid();

    /** How the source is doing, for health endpoints and the connection test report. */
    JwksHealth health();
}

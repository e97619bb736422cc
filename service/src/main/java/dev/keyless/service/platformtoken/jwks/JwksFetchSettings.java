package dev.keyless.service.platformtoken.jwks;

import java.time.Duration;

/**
 * Tuning for {@link RemoteJwkSetSource}.
 *
 * @param timeout connect and whole-response timeout of each HTTP request
 * @param maxResponseBytes larger documents are refused
 * @param maxKeys key sets with more keys are refused, bounding work per token
 * @param refreshInterval how long fetched keys are used before fetching again
 * @param maxStale how long after the last success keys keep serving while the issuer is down
 * @param unknownKidInterval at most one fetch per interval is triggered by unknown key ids
 * @param retryBackoff after a failed fetch, no new attempt within this time
 * @param allowPrivateAddresses whether loopback, private and link-local addresses may be fetched
 *     from ({@link AddressRules}); off unless the operator's issuers are internal
 */
public record JwksFetchSettings(
        Duration timeout,
        int maxResponseBytes,
        int maxKeys,
        Duration refreshInterval,
        Duration maxStale,
        Duration unknownKidInterval,
        Duration retryBackoff,
        boolean allowPrivateAddresses) {

    public static JwksFetchSettings defaults() {
        return new JwksFetchSettings(
                Duration.ofSeconds(5),
                512 * 1024,
                100,
                Duration.ofMinutes(15),
                Duration.ofHours(24),
                Duration.ofSeconds(30),
                Duration.ofSeconds(10),
                false);
    }

    public JwksFetchSettings withMaxStale(Duration value) {
        return new JwksFetchSettings(
                timeout,
                maxResponseBytes,
                maxKeys,
                refreshInterval,
                value,
                unknownKidInterval,
                retryBackoff,
                allowPrivateAddresses);
    }

    public JwksFetchSettings withTimeout(Duration value) {
        return new JwksFetchSettings(
                value,
                maxResponseBytes,
                maxKeys,
                refreshInterval,
                maxStale,
                unknownKidInterval,
                retryBackoff,
                allowPrivateAddresses);
    }

    public JwksFetchSettings withPrivateAddressesAllowed(boolean value) {
        return new JwksFetchSettings(
                timeout, maxResponseBytes, maxKeys, refreshInterval, maxStale, unknownKidInterval, retryBackoff, value);
    }
}

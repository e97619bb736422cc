/**
 * The issuers' key sets for platform-token verification: remote sources with discovery, caching
 * and outage tolerance, pinned ones, the fetcher with its address rules (no loopback, private or
 * link-local address unless allowed), and the fetch counter; with the two exceptions they throw
 * ({@link dev.keyless.service.platformtoken.jwks.InvalidProviderSettingsException} for refused
 * settings, {@link dev.keyless.service.platformtoken.jwks.TokenVerificationException} when no
 * usable keys are known). The token verifier in the parent package depends on this one, never the
 * other way.
 */
package dev.keyless.service.platformtoken.jwks;

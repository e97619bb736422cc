/**
 * The issuers' key sets for platform-token verification: remote sources with discovery, caching
 * and outage tolerance, pinned ones, the fetcher with its address rules (no loopback, private or
 * link-local address unless allowed), and the fetch counter. It still throws the two rejections
 * of its parent package ({@code InvalidProviderSettingsException}, {@code
 * TokenVerificationException}), so the two packages depend on each other within the feature.
 */
package dev.keyless.service.platformtoken.jwks;

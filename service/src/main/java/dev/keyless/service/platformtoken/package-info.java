/**
 * Verification of platform OIDC tokens: provider presets, JWKS sources (remote with discovery,
 * caching and outage tolerance, or pinned), and {@link dev.keyless.service.platformtoken.PlatformTokenVerifier},
 * which owns the order of checks and gives each its own problem type. Framework-free.
 */
package dev.keyless.service.platformtoken;

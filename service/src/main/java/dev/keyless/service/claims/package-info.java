/**
 * Claim conditions: the pure matching rules behind a connection's {@code required_claims} and a
 * role's {@code claims}. No I/O, no framework; every type here is immutable and thread-safe.
 */
package dev.keyless.service.claims;

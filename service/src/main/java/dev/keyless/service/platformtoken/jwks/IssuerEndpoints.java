package dev.keyless.service.platformtoken.jwks;

/** A connection's effective issuer and key location after the preset is applied. */
public record IssuerEndpoints(String issuer, JwksLocation jwks) {}

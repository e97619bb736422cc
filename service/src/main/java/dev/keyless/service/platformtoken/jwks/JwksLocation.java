package dev.keyless.service.platformtoken.jwks;

import java.net.URI;

/** Where a connection's keys come from: a JWKS URL, or OIDC discovery under the issuer. */
public sealed interface JwksLocation {
    URI uri();

    /** The JWKS document itself. */
    record Direct(URI uri) implements JwksLocation {}

    /**
     * An OpenID Provider configuration document ({@code <issuer>/.well-known/openid-configuration});
     * its {@code issuer} must equal {@code expectedIssuer} and its {@code jwks_uri} obeys the same
     * https rule.
     */
    record Discovery(URI uri, String expectedIssuer) implements JwksLocation {}
}

package dev.keyless.service.accesstoken;

/**
 * A freshly signed access token and the claims it carries. {@link #toString()} leaves the token
 * out, so the record can be logged by accident without leaking a bearer credential.
 */
public record IssuedAccessToken(String token, AccessClaims claims) {
    @Override
    public String toString() {
        return "IssuedAccessToken[token=<redacted>, claims=" + claims + "]";
    }
}

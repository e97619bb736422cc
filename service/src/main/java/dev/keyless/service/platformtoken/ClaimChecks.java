package dev.keyless.service.platformtoken;

import dev.keyless.service.claims.ClaimMismatch;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The claim checks of RFC 7519 section 4.1 plus the connection's required claims. Each method is
 * one check; a claim of the wrong JSON type is TOKEN_MALFORMED naming the claim. Messages are
 * fixed and never contain claim values.
 */
final class ClaimChecks {
    // NumericDate beyond year 9999 is nonsense and would overflow Instant arithmetic.
    private static final long MAX_NUMERIC_DATE = 253_402_300_799L;

    private final Map<String, Object> claims;
    private final VerificationSettings settings;
    private final Instant now;

    ClaimChecks(Map<String, Object> claims, VerificationSettings settings, Instant now) {
        this.claims = claims;
        this.settings = settings;
        this.now = now;
    }

    void issuer() {
        Object iss = claims.get("iss");
        if (iss != null && !(iss instanceof String)) {
            throw TokenRejectedException.malformedClaim(TokenCheck.ISSUER, "iss", "the iss claim is not a string");
        }
        if (!settings.issuer().equals(iss)) {
            throw TokenRejectedException.of(
                    TokenCheck.ISSUER, "iss", settings.issuer(), "the token's issuer is not the connection's issuer");
        }
    }

    void audience() {
        List<?> presented = audiences();
        if (presented.stream().noneMatch(settings.audiences()::contains)) {
            throw TokenRejectedException.of(
                    TokenCheck.AUDIENCE,
                    "aud",
                    String.join(", ", settings.audiences()),
                    "no audience of the token is allowed by the connection");
        }
    }

    private List<?> audiences() {
        Object aud = claims.get("aud");
        if (aud == null) {
            return List.of();
        }
        if (aud instanceof String s) {
            return List.of(s);
        }
        if (aud instanceof List<?> list && list.stream().allMatch(String.class::isInstance)) {
            return list;
        }
        throw TokenRejectedException.malformedClaim(
                TokenCheck.AUDIENCE, "aud", "the aud claim is not a string or a list of strings");
    }

    Instant expiry() {
        Instant exp = requiredDate(TokenCheck.EXPIRY, "exp");
        if (!now.isBefore(exp.plus(settings.clockSkew()))) {
            throw TokenRejectedException.of(TokenCheck.EXPIRY, "exp", null, "the token has expired");
        }
        return exp;
    }

    void notBefore() {
        if (!claims.containsKey("nbf")) {
            return;
        }
        Instant nbf = date(TokenCheck.NOT_BEFORE, "nbf", claims.get("nbf"));
        if (now.plus(settings.clockSkew()).isBefore(nbf)) {
            throw TokenRejectedException.of(TokenCheck.NOT_BEFORE, "nbf", null, "the token is not valid yet");
        }
    }

    Instant issuedAt() {
        Instant iat = requiredDate(TokenCheck.ISSUED_AT, "iat");
        if (iat.isAfter(now.plus(settings.clockSkew()))) {
            throw TokenRejectedException.of(TokenCheck.ISSUED_AT, "iat", null, "the token is issued in the future");
        }
        return iat;
    }

    void maxAge() {
        Instant iat = requiredDate(TokenCheck.MAX_AGE, "iat");
        if (iat.plus(settings.maxTokenAge()).plus(settings.clockSkew()).isBefore(now)) {
            throw TokenRejectedException.of(
                    TokenCheck.MAX_AGE,
                    "iat",
                    settings.maxTokenAge().toString(),
                    "the token was issued longer ago than the connection allows");
        }
    }

    void requiredClaims() {
        List<ClaimMismatch> failed = settings.requiredClaims().mismatches(claims);
        if (!failed.isEmpty()) {
            ClaimMismatch first = failed.get(0);
            throw TokenRejectedException.of(
                    TokenCheck.REQUIRED_CLAIMS,
                    first.claim(),
                    first.expected(),
                    "a required claim is missing or does not match");
        }
    }

    /** The optional {@code sub}: a non-empty string of at most {@value VerifiedToken#MAX_SUBJECT_BYTES} UTF-8 bytes. */
    String subject() {
        String sub = optionalString("sub");
        if (sub != null && sub.getBytes(StandardCharsets.UTF_8).length > VerifiedToken.MAX_SUBJECT_BYTES) {
            throw TokenRejectedException.malformedClaim(
                    TokenCheck.STRUCTURE,
                    "sub",
                    "the sub claim is longer than " + VerifiedToken.MAX_SUBJECT_BYTES + " bytes");
        }
        return sub;
    }

    /** {@code sub} and {@code jti} are optional but must be strings; a jti must not be empty. */
    String optionalString(String name) {
        Object value = claims.get(name);
        if (value == null) {
            return null;
        }
        if (!(value instanceof String s) || s.isEmpty()) {
            throw TokenRejectedException.malformedClaim(
                    TokenCheck.STRUCTURE, name, "the " + name + " claim is not a non-empty string");
        }
        return s;
    }

    private Instant requiredDate(TokenCheck check, String name) {
        if (!claims.containsKey(name)) {
            throw TokenRejectedException.malformedClaim(check, name, "the token has no " + name + " claim");
        }
        return date(check, name, claims.get(name));
    }

    private static Instant date(TokenCheck check, String name, Object value) {
        if (value instanceof Number n && Math.abs(n.doubleValue()) <= MAX_NUMERIC_DATE) {
            // Fractions of a second are legal (RFC 7519 NumericDate); keep them to the millisecond.
            return n instanceof Long l
                    ? Instant.ofEpochSecond(l)
                    : Instant.ofEpochMilli(Math.round(n.doubleValue() * 1000));
        }
        throw TokenRejectedException.malformedClaim(check, name, "the " + name + " claim is not a NumericDate");
    }
}

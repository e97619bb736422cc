package dev.keyless.service.platformtoken;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.jwk.JWK;
import dev.keyless.protocol.ConnectionRequests.CheckResult;
import dev.keyless.service.claims.ClaimMismatch;
import dev.keyless.service.platformtoken.jwks.JwkSetSource;
import dev.keyless.service.platformtoken.jwks.TokenVerificationException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Verifies a platform's OIDC token against a connection. This class owns the order of checks
 * ({@link TokenCheck}): size, structure, algorithm, header, key, signature, issuer, audience,
 * expiry, not-before, issued-at, max-age, required claims. Each failure is a {@link
 * TokenRejectedException} with its own problem type; a missing key set is a {@link
 * TokenVerificationException} instead, since it says nothing about the token.
 *
 * <p>Stateless and thread-safe; all state lives in the {@link JwkSetSource}.
 */
public final class PlatformTokenVerifier {
    /** The largest platform token accepted, in characters; larger input is refused before parsing. */
    public static final int MAX_TOKEN_CHARS = TokenParser.MAX_TOKEN_CHARS;

    /**
     * The first check alone, for callers that refuse an oversized token before they look at
     * anything else.
     *
     * @throws TokenRejectedException ({@link TokenCheck#SIZE}) when the token is too large
     */
    public static void checkSize(String token) {
        TokenParser.checkSize(token);
    }

    /**
     * Runs every check in order and stops at the first failure.
     *
     * @param now the verification time; {@code settings.clockSkew()} applies to it
     * @throws TokenRejectedException when a check fails
     * @throws TokenVerificationException when the issuer's keys are unavailable
     */
    public VerifiedToken verify(String token, VerificationSettings settings, JwkSetSource keys, Instant now) {
        TokenParser.checkSize(token);
        ParsedToken parsed = TokenParser.parse(token);
        SigningAlgorithm alg = HeaderChecks.algorithm(parsed.header(), settings);
        HeaderChecks.parameters(parsed.header());
        JWK key = KeySelector.select(parsed.header(), alg, keys);
        SignatureCheck.verify(parsed, alg, key);
        ClaimChecks checks = new ClaimChecks(parsed.claims(), settings, now);
        checks.issuer();
        checks.audience();
        Instant exp = checks.expiry();
        checks.notBefore();
        Instant iat = checks.issuedAt();
        checks.maxAge();
        String subject = checks.subject();
        String jti = checks.optionalString("jti");
        checks.requiredClaims();
        return new VerifiedToken(
                parsed.claims(),
                subject,
                settings.issuer(),
                jti,
                iat,
                exp,
                thumbprint(key),
                VerifiedToken.sha256Hex(parsed.signingInput()));
    }

    private static String thumbprint(JWK key) {
        try {
            return key.computeThumbprint().toString();
        } catch (JOSEException e) {
            throw new IllegalStateException("SHA-256 is always present", e);
        }
    }

    /**
     * Runs every check that can run and reports each, passed or not, for the connection test. Claim
     * checks run on the payload even when the signature fails, to show every problem at once; the
     * claims are returned only when the signature verified. Never throws for a bad token or an
     * unreachable issuer.
     */
    public TokenReport report(String token, VerificationSettings settings, JwkSetSource keys, Instant now) {
        Report r = new Report();
        boolean sized = r.run(TokenCheck.SIZE, "the token is within the size limit", () -> {
                    TokenParser.checkSize(token);
                    return true;
                })
                != null;
        ParsedToken parsed = sized
                ? r.run(TokenCheck.STRUCTURE, "the token is a compact JWS", () -> TokenParser.parse(token))
                : null;
        if (parsed == null) {
            r.skipFrom(sized ? TokenCheck.ALGORITHM : TokenCheck.STRUCTURE, "the token could not be parsed");
            return new TokenReport(false, r.results, Optional.empty());
        }
        SigningAlgorithm alg = r.run(
                TokenCheck.ALGORITHM,
                "the signing algorithm is allowed",
                () -> HeaderChecks.algorithm(parsed.header(), settings));
        r.run(TokenCheck.HEADER, "the header has no refused parameters", () -> {
            HeaderChecks.parameters(parsed.header());
            return true;
        });
        if (alg == null) {
            r.skip(TokenCheck.KEY, "the algorithm is not allowed");
        }
        JWK key = alg == null
                ? null
                : r.run(
                        TokenCheck.KEY,
                        "the signing key is in the issuer's key set",
                        () -> KeySelector.select(parsed.header(), alg, keys));
        boolean signed = key != null
                && r.run(TokenCheck.SIGNATURE, "the signature verifies", () -> {
                            SignatureCheck.verify(parsed, alg, key);
                            return true;
                        })
                        != null;
        if (key == null) {
            r.skip(TokenCheck.SIGNATURE, "no key to verify with");
        }
        claimChecks(r, new ClaimChecks(parsed.claims(), settings, now), settings, parsed.claims());
        Optional<Map<String, Object>> claims = signed ? Optional.of(parsed.claims()) : Optional.empty();
        return new TokenReport(r.allPassed, r.results, claims);
    }

    private static void claimChecks(
            Report r, ClaimChecks c, VerificationSettings settings, Map<String, Object> claims) {
        r.check(TokenCheck.ISSUER, "the issuer is the connection's issuer", c::issuer);
        r.check(TokenCheck.AUDIENCE, "an audience is allowed", c::audience);
        r.run(TokenCheck.EXPIRY, "the token has not expired", c::expiry);
        r.check(TokenCheck.NOT_BEFORE, "the token is valid now", c::notBefore);
        r.run(TokenCheck.ISSUED_AT, "the token is not issued in the future", c::issuedAt);
        r.check(TokenCheck.MAX_AGE, "the token is younger than " + settings.maxTokenAge(), c::maxAge);
        r.check(TokenCheck.STRUCTURE, "sub and jti are well-formed", () -> {
            c.subject();
            c.optionalString("jti");
        });
        List<ClaimMismatch> failed = settings.requiredClaims().mismatches(claims);
        for (String name : settings.requiredClaims().names()) {
            String pattern = settings.requiredClaims().pattern(name).orElse("");
            boolean ok = failed.stream().noneMatch(m -> m.claim().equals(name));
            r.add(
                    TokenCheck.REQUIRED_CLAIMS,
                    ok,
                    "claim " + name + (ok ? " matches " : " is missing or does not match ") + pattern);
        }
    }

    /** Collects check results; a failed check records its fixed message, never token data. */
    private static final class Report {
        final List<CheckResult> results = new ArrayList<>();
        boolean allPassed = true;

        <T> T run(TokenCheck check, String passed, Supplier<T> step) {
            try {
                T value = step.get();
                add(check, true, passed);
                return value;
            } catch (TokenRejectedException e) {
                add(check, false, e.problemType().slug() + ": " + e.getMessage() + expected(e));
            } catch (TokenVerificationException e) {
                add(check, false, e.problemType().slug() + ": " + e.getMessage());
            }
            return null;
        }

        void check(TokenCheck check, String passed, Runnable step) {
            run(check, passed, () -> {
                step.run();
                return true;
            });
        }

        void skip(TokenCheck check, String why) {
            add(check, false, "not checked: " + why);
        }

        void skipFrom(TokenCheck first, String why) {
            for (TokenCheck c : TokenCheck.values()) {
                if (c.compareTo(first) >= 0) {
                    skip(c, why);
                }
            }
        }

        void add(TokenCheck check, boolean passed, String detail) {
            allPassed &= passed;
            results.add(new CheckResult(check.id(), passed, detail));
        }

        private static String expected(TokenRejectedException e) {
            return e.expected() == null ? "" : " (expected " + e.expected() + ")";
        }
    }
}

package dev.keyless.service.platformtoken;

import dev.keyless.service.claims.ClaimConditions;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * What a connection expects of its tokens. The caller decides defaults (e.g. RS256 and ES256).
 *
 * @param issuer the exact {@code iss} value
 * @param audiences allowed {@code aud} values; a token passes when any of its audiences is listed
 * @param algorithms the allow-list; only asymmetric algorithms exist in {@link SigningAlgorithm}
 * @param requiredClaims conditions every token must satisfy; {@link ClaimConditions#none()} for none
 * @param maxTokenAge the oldest {@code iat} accepted
 * @param clockSkew tolerance applied to {@code exp}, {@code nbf}, {@code iat}; at most {@link
 *     #MAX_CLOCK_SKEW}
 */
public record VerificationSettings(
        String issuer,
        List<String> audiences,
        Set<SigningAlgorithm> algorithms,
        ClaimConditions requiredClaims,
        Duration maxTokenAge,
        Duration clockSkew) {

    /**
     * The most skew any connection may tolerate. No token passes any connection later than {@code
     * exp} plus this, which is how long the {@link ReplayGuard} must remember it.
     */
    public static final Duration MAX_CLOCK_SKEW = Duration.ofMinutes(5);

    public VerificationSettings {
        Objects.requireNonNull(issuer, "issuer");
        if (issuer.isBlank()) {
            throw new IllegalArgumentException("issuer must not be blank");
        }
        audiences = List.copyOf(audiences);
        if (audiences.isEmpty()) {
            throw new IllegalArgumentException("at least one audience is required");
        }
        algorithms = Set.copyOf(algorithms);
        if (algorithms.isEmpty()) {
            throw new IllegalArgumentException("at least one algorithm is required");
        }
        requiredClaims = requiredClaims == null ? ClaimConditions.none() : requiredClaims;
        if (maxTokenAge == null || maxTokenAge.isNegative() || maxTokenAge.isZero()) {
            throw new IllegalArgumentException("maxTokenAge must be positive");
        }
        if (clockSkew == null || clockSkew.isNegative() || clockSkew.compareTo(MAX_CLOCK_SKEW) > 0) {
            throw new IllegalArgumentException("clockSkew must be between zero and " + MAX_CLOCK_SKEW);
        }
    }
}

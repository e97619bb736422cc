package dev.keyless.service.token;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/** The algorithm and header-parameter checks, on the header before any key is touched. */
final class HeaderChecks {
    /**
     * Never honoured: they would let the token choose its own key ({@code jku}, {@code x5u},
     * {@code jwk}, {@code x5c}), demand processing we do not do ({@code crit}), or belong to JWE.
     */
    static final List<String> REJECTED = List.of("jku", "x5u", "jwk", "x5c", "crit", "zip", "enc");

    private HeaderChecks() {}

    static SigningAlgorithm algorithm(Map<String, Object> header, VerificationSettings settings) {
        Optional<SigningAlgorithm> alg =
                header.get("alg") instanceof String name ? SigningAlgorithm.fromJose(name) : Optional.empty();
        if (alg.isEmpty() || !settings.algorithms().contains(alg.get())) {
            String allowed = settings.algorithms().stream()
                    .map(SigningAlgorithm::jose)
                    .sorted()
                    .collect(Collectors.joining(", "));
            throw TokenRejectedException.of(
                    TokenCheck.ALGORITHM, null, allowed, "the token's signing algorithm is not in the allow-list");
        }
        return alg.get();
    }

    static void parameters(Map<String, Object> header) {
        for (String name : REJECTED) {
            if (header.containsKey(name)) {
                throw TokenRejectedException.of(
                        TokenCheck.HEADER, name, null, "the token header carries a parameter that is never honoured");
            }
        }
        Object kid = header.get("kid");
        if (kid != null && !(kid instanceof String)) {
            throw TokenRejectedException.malformedClaim(TokenCheck.HEADER, "kid", "the header kid is not a string");
        }
    }
}

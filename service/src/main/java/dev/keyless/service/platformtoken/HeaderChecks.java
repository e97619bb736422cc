package dev.keyless.service.platformtoken;

import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/** The algorithm and header-parameter checks, on the header before any key is touched. */
final class HeaderChecks {
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
        Optional<String> refused = RefusedHeaders.firstIn(header.keySet());
        if (refused.isPresent()) {
            throw TokenRejectedException.of(
                    TokenCheck.HEADER,
                    refused.get(),
                    null,
                    "the token header carries a parameter that is never honoured");
        }
        Object kid = header.get("kid");
        if (kid != null && !(kid instanceof String)) {
            throw TokenRejectedException.malformedClaim(TokenCheck.HEADER, "kid", "the header kid is not a string");
        }
    }
}

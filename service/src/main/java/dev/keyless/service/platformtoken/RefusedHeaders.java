package dev.keyless.service.platformtoken;

import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * JOSE header parameters never honoured in any token the service reads, the platforms' and its
 * own: they would let the token choose its own key ({@code jku}, {@code x5u}, {@code jwk}, {@code
 * x5c}), demand processing we do not do ({@code crit}), or belong to JWE ({@code zip}, {@code
 * enc}). The one list; both verifiers refuse a token that carries any of them.
 */
public final class RefusedHeaders {
    /** In the order they are reported. */
    public static final List<String> NAMES = List.of("jku", "x5u", "jwk", "x5c", "crit", "zip", "enc");

    private RefusedHeaders() {}

    /** The first refused parameter among {@code present}, if any. */
    public static Optional<String> firstIn(Set<String> present) {
        for (String name : NAMES) {
            if (present.contains(name)) {
                return Optional.of(name);
            }
        }
        return Optional.empty();
    }
}

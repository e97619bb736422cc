package dev.keyless.service.platformtoken;

import com.nimbusds.jose.JWSAlgorithm;
import java.util.Arrays;
import java.util.Optional;

/**
 * The asymmetric JWS algorithms a connection may allow. {@code none} and HMAC are not members, so
 * they can never be configured (design: only asymmetric algorithms from the allow-list).
 */
public enum SigningAlgorithm {
    RS256,
    RS384,
    RS512,
    PS256,
    PS384,
    PS512,
    ES256,
    ES384,
    ES512,
    EdDSA;

    /** The JOSE name, e.g. {@code RS256}. */
    public String jose() {
        return name();
    }

    JWSAlgorithm jws() {
        return JWSAlgorithm.parse(name());
    }

    boolean isRsa() {
        return name().startsWith("RS") || name().startsWith("PS");
    }

    boolean isEc() {
        return name().startsWith("ES");
    }

    /** The algorithm with this exact JOSE name, if it is one of the allowed kinds. */
    public static Optional<SigningAlgorithm> fromJose(String name) {
        return Arrays.stream(values()).filter(a -> a.name().equals(name)).findFirst();
    }
}

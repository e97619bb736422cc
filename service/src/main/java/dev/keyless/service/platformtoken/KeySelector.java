package dev.keyless.service.platformtoken;

import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyOperation;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.RSAKey;
import dev.keyless.service.platformtoken.jwks.JwkSetSource;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Picks the key a token names. Key ids are compared as opaque strings, so a kid like {@code
 * ../../etc/passwd} is simply unknown. Without a kid, a key is used only when the set has exactly
 * one key that fits the algorithm; guessing among several would invite confusion.
 */
final class KeySelector {
    static final int MAX_KID = 256;
    static final int MIN_RSA_BITS = 2048;

    private KeySelector() {}

    static JWK select(Map<String, Object> header, SigningAlgorithm alg, JwkSetSource source) {
        if (!(header.get("kid") instanceof String kid)) {
            List<JWK> fitting =
                    source.keys().getKeys().stream().filter(k -> fits(k, alg)).toList();
            if (fitting.size() == 1) {
                return fitting.get(0);
            }
            throw unknown("the token has no kid and the key set has no single key for its algorithm");
        }
        if (kid.length() > MAX_KID) {
            throw unknown("the token's kid is not in the issuer's key set");
        }
        Optional<JWK> found = byKid(source.keys(), kid, alg);
        if (found.isEmpty()) {
            found = byKid(source.keysAfterUnknownKid(), kid, alg);
        }
        return found.orElseThrow(() -> unknown("the token's kid is not in the issuer's key set"));
    }

    private static Optional<JWK> byKid(JWKSet keys, String kid, SigningAlgorithm alg) {
        return keys.getKeys().stream()
                .filter(k -> kid.equals(k.getKeyID()) && fits(k, alg))
                .findFirst();
    }

    static boolean fits(JWK key, SigningAlgorithm alg) {
        if (key.getAlgorithm() != null && !key.getAlgorithm().getName().equals(alg.jose())) {
            return false;
        }
        if (key.getKeyOperations() != null && !key.getKeyOperations().contains(KeyOperation.VERIFY)) {
            return false;
        }
        if (alg.isRsa()) {
            return key instanceof RSAKey rsa && rsa.size() >= MIN_RSA_BITS;
        }
        if (alg.isEc()) {
            return key instanceof ECKey ec && curveFor(alg).equals(ec.getCurve());
        }
        return key instanceof OctetKeyPair okp && Curve.Ed25519.equals(okp.getCurve());
    }

    private static Curve curveFor(SigningAlgorithm alg) {
        return switch (alg) {
            case ES384 -> Curve.P_384;
            case ES512 -> Curve.P_521;
            default -> Curve.P_256;
        };
    }

    private static TokenRejectedException unknown(String message) {
        return TokenRejectedException.of(TokenCheck.KEY, message);
    }
}

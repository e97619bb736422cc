package dev.keyless.service.platformtoken.jwks;

import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.util.JSONObjectUtils;
import java.text.ParseException;
import java.util.List;
import java.util.Map;

/** Turns a JWKS document into the public, asymmetric, signature keys we may use. */
final class KeySetRules {
    private KeySetRules() {}

    static JWKSet parse(String json, int maxKeys) throws ParseException {
        return usable(JSONObjectUtils.parse(json), maxKeys);
    }

    static JWKSet usable(Map<String, Object> document, int maxKeys) throws ParseException {
        if (!(document.get("keys") instanceof List<?> raw)) {
            throw new ParseException("the document has no keys array", 0);
        }
        // Count before parsing: parsing thousands of RSA keys is the expensive part.
        if (raw.size() > maxKeys) {
            throw new ParseException("the key set has more than " + maxKeys + " keys", 0);
        }
        List<JWK> keys = JWKSet.parse(document).toPublicJWKSet().getKeys().stream()
                .filter(KeySetRules::isSignatureKey)
                .toList();
        if (keys.isEmpty()) {
            throw new ParseException("the key set has no usable signature keys", 0);
        }
        return new JWKSet(keys);
    }

    // Symmetric ("oct") keys are dropped: an HMAC key must never verify a platform token.
    private static boolean isSignatureKey(JWK key) {
        boolean type = key instanceof RSAKey
                || key instanceof ECKey
                || (key instanceof OctetKeyPair okp && Curve.Ed25519.equals(okp.getCurve()));
        return type && (key.getKeyUse() == null || KeyUse.SIGNATURE.equals(key.getKeyUse()));
    }
}

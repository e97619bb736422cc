package dev.keyless.service.token;

import com.nimbusds.jose.util.Base64URL;
import java.util.Map;

/** A compact JWS split and decoded, not yet trusted. Header and claims are plain Java values. */
record ParsedToken(
        Map<String, Object> header,
        Map<String, Object> claims,
        byte[] signingInput,
        Base64URL signature,
        String sha256) {}

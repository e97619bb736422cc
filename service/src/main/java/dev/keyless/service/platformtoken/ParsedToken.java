package dev.keyless.service.platformtoken;

import com.nimbusds.jose.util.Base64URL;
import java.util.Map;

/**
 * A compact JWS split and decoded, not yet trusted. Header and claims are plain Java values; every
 * part was canonical base64url, so {@code signingInput} is the one spelling of what was signed.
 */
@SuppressWarnings("ArrayRecordComponent") // the bytes are the value; equality is not used
record ParsedToken(Map<String, Object> header, Map<String, Object> claims, byte[] signingInput, Base64URL signature) {}

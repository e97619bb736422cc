package dev.keyless.service.sso;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.proc.DefaultJOSEObjectTypeVerifier;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import java.text.ParseException;
import java.util.Set;

/**
 * Checks an ID token (OpenID Connect Core 3.1.3.7) with nimbus's pipeline: signature by a key of
 * the provider's set with an asymmetric algorithm, {@code iss} the configured issuer, {@code aud}
 * the client id, {@code exp} in the future, {@code sub} present, and {@code nonce} the one this
 * sign-in sent.
 */
final class IdTokenVerifier {
    private static final Set<JWSAlgorithm> ALGORITHMS = Set.of(
            JWSAlgorithm.RS256,
            JWSAlgorithm.RS384,
            JWSAlgorithm.RS512,
            JWSAlgorithm.PS256,
            JWSAlgorithm.ES256,
            JWSAlgorithm.ES384,
            JWSAlgorithm.EdDSA);

    private IdTokenVerifier() {}

    static JWTClaimsSet verify(String idToken, String jwks, String issuer, String clientId, String nonce) {
        DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
        processor.setJWSTypeVerifier(new DefaultJOSEObjectTypeVerifier<>(JOSEObjectType.JWT, null));
        try {
            processor.setJWSKeySelector(
                    new JWSVerificationKeySelector<>(ALGORITHMS, new ImmutableJWKSet<>(JWKSet.parse(jwks))));
        } catch (ParseException e) {
            throw new SsoFailure("jwks", "the provider's key set does not parse");
        }
        processor.setJWTClaimsSetVerifier(new DefaultJWTClaimsVerifier<>(
                clientId,
                new JWTClaimsSet.Builder().issuer(issuer).claim("nonce", nonce).build(),
                Set.of("sub", "exp", "iat")));
        try {
            return processor.process(idToken, null);
        } catch (ParseException e) {
            throw new SsoFailure("id_token", "the ID token is not a signed JWT");
        } catch (com.nimbusds.jose.proc.BadJOSEException | com.nimbusds.jose.JOSEException e) {
            throw new SsoFailure("id_token", check(String.valueOf(e.getMessage())));
        }
    }

    /** A fixed message naming the failed check: nimbus's own can carry claim values. */
    private static String check(String message) {
        String m = message.toLowerCase(java.util.Locale.ROOT);
        // First: "missing" holds "iss".
        if (m.contains("missing required claims")) {
            return "the ID token lacks a required claim (sub, exp, iat, nonce)";
        }
        if (m.contains("nonce")) {
            return "the nonce is not the one this sign-in sent";
        }
        if (m.contains("aud")) {
            return "the audience is not the client id";
        }
        if (m.contains("iss")) {
            return "the issuer is not the configured one";
        }
        if (m.contains("expired")) {
            return "the ID token has expired";
        }
        return "the signature does not verify with the provider's keys and an allowed algorithm";
    }
}

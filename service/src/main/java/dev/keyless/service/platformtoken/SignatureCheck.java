package dev.keyless.service.platformtoken;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.RSAKey;
import java.math.BigInteger;
import java.util.Arrays;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;

/**
 * Verifies the signature with a key {@link KeySelector} already matched to the algorithm. The
 * nimbus verifier gets a header holding only {@code alg}: every other header parameter was either
 * refused or is irrelevant, and nothing from the token's header can reach the crypto.
 *
 * <p>ECDSA signatures must be low-S ({@code s <= n/2}): if {@code (r, s)} verifies, so does {@code
 * (r, n - s)}, a second valid signature anyone can make from the first. The replay guard does not
 * depend on this (it keys on the signing input), but one signed token has one accepted spelling.
 * RSA PKCS#1 v1.5 is deterministic, RSA-PSS is randomised only by its signer, and Ed25519 is
 * checked for a canonical {@code S < L} by BouncyCastle.
 */
final class SignatureCheck {
    private SignatureCheck() {}

    static void verify(ParsedToken token, SigningAlgorithm alg, JWK key) {
        if (key instanceof ECKey ec) {
            requireLowS(token, ec);
        }
        boolean valid;
        try {
            valid = key instanceof OctetKeyPair okp ? ed25519(okp, token) : jose(key, alg, token);
        } catch (JOSEException | IllegalArgumentException e) {
            valid = false;
        }
        if (!valid) {
            throw TokenRejectedException.of(TokenCheck.SIGNATURE, "the token's signature does not verify");
        }
    }

    private static void requireLowS(ParsedToken token, ECKey key) {
        byte[] signature = token.signature().decode();
        // R || S, each half the length; a wrong length fails the verifier below.
        BigInteger s = new BigInteger(1, Arrays.copyOfRange(signature, signature.length / 2, signature.length));
        BigInteger halfOrder = key.getCurve().toECParameterSpec().getOrder().shiftRight(1);
        if (s.compareTo(halfOrder) > 0) {
            throw TokenRejectedException.of(
                    TokenCheck.SIGNATURE, "the token's ECDSA signature is high-S (s > n/2); only low-S is accepted");
        }
    }

    private static boolean jose(JWK key, SigningAlgorithm alg, ParsedToken token) throws JOSEException {
        JWSVerifier verifier = key instanceof RSAKey rsa ? new RSASSAVerifier(rsa) : new ECDSAVerifier((ECKey) key);
        return verifier.verify(new JWSHeader(alg.jws()), token.signingInput(), token.signature());
    }

    // nimbus's Ed25519Verifier needs Tink, which the service does not ship; BouncyCastle does it.
    private static boolean ed25519(OctetKeyPair key, ParsedToken token) {
        byte[] signature = token.signature().decode();
        byte[] x = key.getX().decode();
        if (signature.length != Ed25519PublicKeyParameters.KEY_SIZE * 2
                || x.length != Ed25519PublicKeyParameters.KEY_SIZE) {
            return false;
        }
        Ed25519Signer signer = new Ed25519Signer();
        signer.init(false, new Ed25519PublicKeyParameters(x, 0));
        signer.update(token.signingInput(), 0, token.signingInput().length);
        return signer.verifySignature(signature);
    }
}

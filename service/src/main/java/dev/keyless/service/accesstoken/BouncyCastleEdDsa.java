package dev.keyless.service.accesstoken;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.jca.JCAContext;
import com.nimbusds.jose.util.Base64URL;
import java.util.Set;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;

/**
 * Nimbus {@code JWSSigner}/{@code JWSVerifier} for {@code alg: EdDSA} (RFC 8037) over
 * BouncyCastle's lightweight {@link Ed25519Signer}. Why not the alternatives: nimbus's own
 * Ed25519Signer needs Google Tink, which is not on the classpath; JCA's Ed25519 (SunEC) is roughly
 * 17 times slower per signature on JDK 17, and every exchange and every workload call signs or
 * verifies one token. Each call makes its own {@code Ed25519Signer} (it buffers the message), so
 * these are thread-safe.
 */
final class BouncyCastleEdDsa {
    private static final Set<JWSAlgorithm> ALGORITHMS = Set.of(JWSAlgorithm.EdDSA);

    private BouncyCastleEdDsa() {}

    static JWSSigner signer(Ed25519PrivateKeyParameters key) {
        return new Signer(key);
    }

    static JWSVerifier verifier(Ed25519PublicKeyParameters key) {
        return new Verifier(key);
    }

    private record Signer(Ed25519PrivateKeyParameters key) implements JWSSigner {
        @Override
        public Base64URL sign(JWSHeader header, byte[] signingInput) throws JOSEException {
            if (!JWSAlgorithm.EdDSA.equals(header.getAlgorithm())) {
                throw new JOSEException("only EdDSA is supported");
            }
            Ed25519Signer signer = new Ed25519Signer();
            signer.init(true, key);
            signer.update(signingInput, 0, signingInput.length);
            return Base64URL.encode(signer.generateSignature());
        }

        @Override
        public Set<JWSAlgorithm> supportedJWSAlgorithms() {
            return ALGORITHMS;
        }

        @Override
        public JCAContext getJCAContext() {
            return new JCAContext();
        }

        @Override
        public String toString() {
            return "BouncyCastleEdDsa.Signer";
        }
    }

    private record Verifier(Ed25519PublicKeyParameters key) implements JWSVerifier {
        @Override
        public boolean verify(JWSHeader header, byte[] signingInput, Base64URL signature) {
            if (!JWSAlgorithm.EdDSA.equals(header.getAlgorithm())) {
                return false;
            }
            byte[] sig = signature.decode();
            if (sig.length != Ed25519PrivateKeyParameters.SIGNATURE_SIZE) {
                return false;
            }
            Ed25519Signer verifier = new Ed25519Signer();
            verifier.init(false, key);
            verifier.update(signingInput, 0, signingInput.length);
            return verifier.verifySignature(sig);
        }

        @Override
        public Set<JWSAlgorithm> supportedJWSAlgorithms() {
            return ALGORITHMS;
        }

        @Override
        public JCAContext getJCAContext() {
            return new JCAContext();
        }
    }
}

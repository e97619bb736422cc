package dev.keyless.bench;

import com.nimbusds.jose.jwk.RSAKey;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;
import org.bouncycastle.math.ec.rfc8032.Ed25519;

/**
 * The raw signature work of one pair, on one thread of this JVM: verify the platform's RS256
 * signature (JCA SHA256withRSA, 2048 bits), sign the access token, verify it on the certificate
 * request, and sign the certificate (BouncyCastle lightweight Ed25519, as the service does). Its
 * inverse is the most pairs per second one core could do if the service did nothing else.
 */
final class CryptoCeiling {
    private static final int PLATFORM_TOKEN_BYTES = 1400;
    private static final int ACCESS_TOKEN_BYTES = 450;
    private static final int CERTIFICATE_BYTES = 330;

    private CryptoCeiling() {}

    /** Pairs per second on one core. */
    static double pairsPerSecondPerCore(Duration warmUp, Duration measure) throws Exception {
        Work work = new Work();
        run(work, warmUp);
        return run(work, measure);
    }

    private static double run(Work work, Duration length) throws GeneralSecurityException {
        long start = System.nanoTime();
        long deadline = start + length.toNanos();
        long pairs = 0;
        boolean ok = true;
        while (System.nanoTime() < deadline) {
            ok &= work.pair();
            pairs++;
        }
        if (!ok) {
            throw new IllegalStateException("a ceiling signature did not verify");
        }
        return pairs / ((System.nanoTime() - start) / 1e9);
    }

    private static final class Work {
        private final byte[] platformInput = random(PLATFORM_TOKEN_BYTES);
        private final byte[] accessInput = random(ACCESS_TOKEN_BYTES);
        private final byte[] certificateInput = random(CERTIFICATE_BYTES);
        private final RSAKey rsa = dev.keyless.testkit.TestKeys.rsa("ceiling");
        private final RSAPublicKey rsaPublic;
        private final byte[] platformSignature;
        private final Ed25519PrivateKeyParameters issuerKey = new Ed25519PrivateKeyParameters(new SecureRandom());
        private final Ed25519PublicKeyParameters issuerPublic = issuerKey.generatePublicKey();
        private final Ed25519PrivateKeyParameters caKey = new Ed25519PrivateKeyParameters(new SecureRandom());

        Work() throws Exception {
            rsaPublic = rsa.toRSAPublicKey();
            Signature signer = Signature.getInstance("SHA256withRSA");
            signer.initSign(rsa.toRSAPrivateKey());
            signer.update(platformInput);
            platformSignature = signer.sign();
        }

        boolean pair() throws GeneralSecurityException {
            Signature rs256 = Signature.getInstance("SHA256withRSA");
            rs256.initVerify(rsaPublic);
            rs256.update(platformInput);
            boolean ok = rs256.verify(platformSignature);

            Ed25519Signer sign = new Ed25519Signer();
            sign.init(true, issuerKey);
            sign.update(accessInput, 0, accessInput.length);
            byte[] accessSignature = sign.generateSignature();

            Ed25519Signer verify = new Ed25519Signer();
            verify.init(false, issuerPublic);
            verify.update(accessInput, 0, accessInput.length);
            ok &= verify.verifySignature(accessSignature);

            byte[] certificateSignature = new byte[Ed25519PrivateKeyParameters.SIGNATURE_SIZE];
            caKey.sign(
                    Ed25519.Algorithm.Ed25519,
                    null,
                    certificateInput,
                    0,
                    certificateInput.length,
                    certificateSignature,
                    0);
            return ok;
        }

        private static byte[] random(int size) {
            byte[] bytes = new byte[size];
            new SecureRandom().nextBytes(bytes);
            return bytes;
        }
    }
}

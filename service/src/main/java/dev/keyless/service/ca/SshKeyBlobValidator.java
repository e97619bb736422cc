package dev.keyless.service.ca;

import dev.keyless.protocol.ssh.SshWireFormatException;
import dev.keyless.protocol.ssh.SshWireReader;
import dev.keyless.service.ca.PublicKeyRejectedException.Reason;
import java.math.BigInteger;
import java.util.Map;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.crypto.ec.CustomNamedCurves;
import org.bouncycastle.math.ec.ECCurve;
import org.bouncycastle.math.ec.ECPoint;
import org.bouncycastle.math.ec.rfc8032.Ed25519;

/**
 * Checks that an SSH public key blob is a well-formed, acceptably strong key of its declared type. The
 * accepted types are ssh-ed25519, ecdsa-sha2-nistp256/384/521 and ssh-rsa of at least 3072 bits. Stateless
 * and thread-safe.
 */
final class SshKeyBlobValidator {
    static final String ED25519 = "ssh-ed25519";
    static final String RSA = "ssh-rsa";
    private static final String DSA = "ssh-dss";
    private static final String CERTIFICATE_SUFFIX = "-cert-v01@openssh.com";
    private static final int MIN_RSA_BITS = 3072;
    // OpenSSH refuses larger moduli too (SSHBUF_MAX_BIGNUM); the cap also bounds parsing work.
    private static final int MAX_RSA_BITS = 16384;

    // nistp521 is accepted: OpenSSH supports it fully and the on-curve check is the same code path.
    private static final Map<String, String> ECDSA_CURVES = Map.of(
            "ecdsa-sha2-nistp256", "nistp256",
            "ecdsa-sha2-nistp384", "nistp384",
            "ecdsa-sha2-nistp521", "nistp521");
    private static final Map<String, String> BC_CURVE_NAMES =
            Map.of("nistp256", "secp256r1", "nistp384", "secp384r1", "nistp521", "secp521r1");

    private SshKeyBlobValidator() {}

    static void validate(String keyType, byte[] blob) {
        rejectUnsupported(keyType);
        try {
            SshWireReader reader = new SshWireReader(blob);
            if (!keyType.equals(reader.readAsciiString())) {
                throw invalid("key type in the line does not match the key type in the key blob");
            }
            if (keyType.equals(ED25519)) {
                validateEd25519(reader);
            } else if (keyType.equals(RSA)) {
                validateRsa(reader);
            } else {
                validateEcdsa(reader, ECDSA_CURVES.get(keyType));
            }
            reader.requireFullyConsumed();
        } catch (SshWireFormatException e) {
            throw invalid("public key blob is malformed: " + e.getMessage());
        }
    }

    private static void rejectUnsupported(String keyType) {
        if (keyType.endsWith(CERTIFICATE_SUFFIX)) {
            throw invalid("certificates are not accepted as public keys");
        }
        if (keyType.equals(DSA)) {
            throw new PublicKeyRejectedException(Reason.WEAK, "DSA keys are not accepted");
        }
        if (!keyType.equals(ED25519) && !keyType.equals(RSA) && !ECDSA_CURVES.containsKey(keyType)) {
            throw invalid("unsupported key type");
        }
    }

    private static void validateEd25519(SshWireReader reader) {
        byte[] point = reader.readString();
        if (point.length != 32) {
            throw invalid("Ed25519 public key is not 32 bytes");
        }
        // Refuses non-canonical encodings, non-points and every small-order point (the keys that
        // would make any signature verify). validatePublicKeyFull would also refuse points with a
        // small-order component, which cannot be forged with either, at ten times the cost
        // (~50 us against ~5 us, once per certificate request).
        if (!Ed25519.validatePublicKeyPartial(point, 0)) {
            throw invalid("Ed25519 public key is not a valid curve point");
        }
    }

    private static void validateRsa(SshWireReader reader) {
        BigInteger exponent = reader.readMpint();
        BigInteger modulus = reader.readMpint();
        if (modulus.signum() <= 0 || modulus.bitLength() > MAX_RSA_BITS || !modulus.testBit(0)) {
            throw invalid("RSA modulus is invalid");
        }
        if (exponent.compareTo(BigInteger.valueOf(3)) < 0 || !exponent.testBit(0) || exponent.compareTo(modulus) >= 0) {
            throw invalid("RSA public exponent is invalid");
        }
        if (modulus.bitLength() < MIN_RSA_BITS) {
            throw new PublicKeyRejectedException(Reason.WEAK, "RSA keys shorter than 3072 bits are not accepted");
        }
    }

    private static void validateEcdsa(SshWireReader reader, String expectedCurve) {
        if (!expectedCurve.equals(reader.readAsciiString())) {
            throw invalid("ECDSA curve name does not match the key type");
        }
        byte[] encoded = reader.readString();
        X9ECParameters parameters = CustomNamedCurves.getByName(BC_CURVE_NAMES.get(expectedCurve));
        ECCurve curve = parameters.getCurve();
        int fieldBytes = (curve.getFieldSize() + 7) / 8;
        // OpenSSH always writes uncompressed points (SEC1 0x04 || X || Y).
        if (encoded.length != 1 + 2 * fieldBytes || encoded[0] != 0x04) {
            throw invalid("ECDSA public key is not an uncompressed curve point");
        }
        ECPoint point;
        try {
            point = curve.decodePoint(encoded);
        } catch (IllegalArgumentException e) {
            throw invalid("ECDSA public key is not on the curve");
        }
        // The NIST prime curves have cofactor 1, so on-curve and not infinity means the right subgroup.
        if (point.isInfinity() || !point.isValid()) {
            throw invalid("ECDSA public key is not on the curve");
        }
    }

    static PublicKeyRejectedException invalid(String message) {
        return new PublicKeyRejectedException(Reason.INVALID, message);
    }
}

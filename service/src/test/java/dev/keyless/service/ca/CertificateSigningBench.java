package dev.keyless.service.ca;

import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.math.ec.rfc8032.Ed25519;

/**
 * Prints single-thread certificate signing throughput (build, nonce, encode, sign). Not a test: run it by
 * hand, for example {@code java -cp <test classpath> dev.keyless.service.ca.CertificateSigningBench}.
 */
public final class CertificateSigningBench {
    private static final Duration WARM_UP = Duration.ofSeconds(3);
    private static final Duration MEASURE = Duration.ofSeconds(5);

    private CertificateSigningBench() {}

    public static void main(String[] args) {
        Ed25519CertificateAuthority ca = Ed25519CertificateAuthority.generate(new SecureRandom());
        SshPublicKey subject =
                Ed25519CertificateAuthority.generate(new SecureRandom()).publicKey();
        run(ca, subject, WARM_UP);
        rawSignatures(WARM_UP);
        // Interleaved rounds, because a shared machine's load shifts both numbers alike.
        for (int round = 1; round <= 3; round++) {
            double certificates = run(ca, subject, MEASURE) / seconds(MEASURE);
            double raw = rawSignatures(MEASURE) / seconds(MEASURE);
            System.out.printf(
                    "round %d: %.0f certificates/s, raw BouncyCastle Ed25519 %.0f signatures/s (%.0f%%)%n",
                    round, certificates, raw, 100 * certificates / raw);
        }
    }

    /** The ceiling: bare Ed25519 signatures over a message the size of a typical certificate. */
    private static long rawSignatures(Duration duration) {
        Ed25519PrivateKeyParameters key = new Ed25519PrivateKeyParameters(new SecureRandom());
        byte[] message = new byte[300];
        byte[] signature = new byte[Ed25519PrivateKeyParameters.SIGNATURE_SIZE];
        long end = System.nanoTime() + duration.toNanos();
        long count = 0;
        while (System.nanoTime() < end) {
            key.sign(Ed25519.Algorithm.Ed25519, null, message, 0, message.length, signature, 0);
            count++;
        }
        return count;
    }

    private static double seconds(Duration duration) {
        return duration.toNanos() / 1e9;
    }

    private static long run(Ed25519CertificateAuthority ca, SshPublicKey subject, Duration duration) {
        long end = System.nanoTime() + duration.toNanos();
        long count = 0;
        long sink = 0;
        while (System.nanoTime() < end) {
            Instant now = Instant.now();
            SignedSshCertificate signed = SshCertificateBuilder.userCertificate(subject)
                    .serial(count)
                    .keyId("bench")
                    .principal("wl_deploy")
                    .validity(now, Duration.ofMinutes(5))
                    .criticalOption(SshCertificateBuilder.SOURCE_ADDRESS, "10.0.0.0/8")
                    .extension(SshCertificateBuilder.PERMIT_PTY)
                    .sign(ca);
            sink += signed.blob().length;
            count++;
        }
        if (sink == 0) {
            throw new IllegalStateException("nothing signed");
        }
        return count;
    }
}

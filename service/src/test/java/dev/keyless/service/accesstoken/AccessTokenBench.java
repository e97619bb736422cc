package dev.keyless.service.accesstoken;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.function.IntSupplier;
import org.bouncycastle.crypto.signers.Ed25519Signer;

/**
 * Single-thread throughput of issuing and verifying access tokens: issue alone, verify alone, and
 * one issue plus one verify (the work of an exchange followed by one authenticated call). Not a test
 * (no Test/IT suffix): run it by hand, e.g. {@code java -cp <test-classpath>
 * dev.keyless.service.accesstoken.AccessTokenBench [seconds]}; pin it to one core with {@code taskset -c
 * 0}. Target: above 10,000 issue+verify/s on one core.
 */
public final class AccessTokenBench {
    private static final int BATCH = 1024;

    private AccessTokenBench() {}

    public static void main(String[] args) {
        Duration length = Duration.ofSeconds(args.length > 0 ? Integer.parseInt(args[0]) : 5);
        Ed25519KeyMaterial key = Ed25519KeyMaterial.generate();
        AccessTokenIssuer issuer = new AccessTokenIssuer(key, "keyless");
        AccessTokenVerifier verifier = AccessTokenVerifier.forKey("keyless", key);
        AccessTokenRequest request = new AccessTokenRequest(
                "acme",
                "github",
                "deploy",
                "repo:acme/app:ref:refs/heads/main",
                3,
                7,
                "1234567",
                Duration.ofMinutes(5));
        String[] tokens = new String[BATCH];
        for (int i = 0; i < BATCH; i++) {
            tokens[i] = issuer.issue(request).token();
        }
        int[] next = {0};
        IntSupplier issue = () -> issuer.issue(request).token().length();
        IntSupplier verify =
                () -> (int) verifier.verify(tokens[next[0]++ % BATCH], "acme").roleGeneration();
        IntSupplier both = () ->
                (int) verifier.verify(issuer.issue(request).token(), "acme").roleGeneration();
        // As the service wires them: the verifier knows what the issuer issued.
        KnownAccessTokens known = new KnownAccessTokens(50_000);
        AccessTokenIssuer knownIssuer = new AccessTokenIssuer(
                key, "keyless", java.time.Clock.systemUTC(), new java.security.SecureRandom(), known);
        AccessTokenVerifier knownVerifier = new AccessTokenVerifier(
                "keyless", java.util.List.of(key.publicKey()), java.time.Clock.systemUTC(), known);
        IntSupplier bothKnown = () -> (int)
                knownVerifier.verify(knownIssuer.issue(request).token(), "acme").roleGeneration();
        byte[] message = tokens[0].substring(0, tokens[0].lastIndexOf('.')).getBytes(StandardCharsets.US_ASCII);
        byte[] signature = rawSign(key, message);
        IntSupplier rawBoth = () -> rawVerify(key, message, rawSign(key, message)) ? 1 : 0;
        IntSupplier rawVerifyOnly = () -> rawVerify(key, message, signature) ? 1 : 0;
        run("warm-up issue+verify", both, Duration.ofSeconds(3));
        run("warm-up raw", rawBoth, Duration.ofSeconds(2));
        run("raw BC verify", rawVerifyOnly, length);
        run("raw BC sign+verify", rawBoth, length);
        run("issue", issue, length);
        run("verify", verify, length);
        run("issue+verify", both, length);
        run("warm-up issue+verify, known", bothKnown, Duration.ofSeconds(2));
        run("issue+verify, known (service)", bothKnown, length);
    }

    /** The floor: BouncyCastle Ed25519 alone over a token-sized message, no JOSE work. */
    private static byte[] rawSign(Ed25519KeyMaterial key, byte[] message) {
        Ed25519Signer signer = new Ed25519Signer();
        signer.init(true, key.privateParameters());
        signer.update(message, 0, message.length);
        return signer.generateSignature();
    }

    private static boolean rawVerify(Ed25519KeyMaterial key, byte[] message, byte[] signature) {
        Ed25519Signer verifier = new Ed25519Signer();
        verifier.init(false, key.publicParameters());
        verifier.update(message, 0, message.length);
        return verifier.verifySignature(signature);
    }

    private static void run(String label, IntSupplier op, Duration length) {
        long start = System.nanoTime();
        long end = start + length.toNanos();
        long ops = 0;
        long check = 0;
        while (System.nanoTime() < end) {
            for (int i = 0; i < 100; i++) {
                check += op.getAsInt();
            }
            ops += 100;
        }
        double elapsed = (System.nanoTime() - start) / 1e9;
        System.out.printf(
                "%-22s %8.0f ops/s  (%d ops in %.2f s, 1 thread, check %d)%n",
                label, ops / elapsed, ops, elapsed, check);
    }
}

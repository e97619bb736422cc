package dev.keyless.bench;

import com.nimbusds.jose.jwk.RSAKey;
import dev.keyless.testkit.TestTokens;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;

/**
 * What the simulated CI jobs present, made before a timed phase so the load generator's own
 * crypto is not measured: GitHub-shaped RS256 platform tokens with unique {@code jti}, and one
 * OpenSSH Ed25519 public key line per client.
 */
final class Workload {
    private Workload() {}

    /** {@code count} signed tokens, issued five seconds ago and valid ten minutes, minted on all cores. */
    static String[] platformTokens(RSAKey key, int count) throws Exception {
        String[] tokens = new String[count];
        int threads = Runtime.getRuntime().availableProcessors();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            Instant issued = Instant.now().minusSeconds(5);
            Future<?>[] parts = new Future<?>[threads];
            for (int t = 0; t < threads; t++) {
                int first = t;
                parts[t] = pool.submit(() -> {
                    for (int i = first; i < count; i += threads) {
                        tokens[i] = platformToken(key, issued);
                    }
                });
            }
            for (Future<?> part : parts) {
                part.get();
            }
            return tokens;
        } finally {
            pool.shutdown();
        }
    }

    private static String platformToken(RSAKey key, Instant issued) {
        Map<String, Object> claims =
                TestTokens.claims("github-actions", TeamBootstrap.ISSUER, TeamBootstrap.AUDIENCE, issued);
        claims.put("jti", UUID.randomUUID().toString());
        return TestTokens.sign(TestTokens.times(claims, issued, Duration.ofMinutes(10)), key);
    }

    /** One {@code ssh-ed25519 AAAA... bench-<n>} line per client. */
    static String[] publicKeyLines(int clients) {
        SecureRandom random = new SecureRandom();
        String[] lines = new String[clients];
        for (int i = 0; i < clients; i++) {
            byte[] publicKey =
                    new Ed25519PrivateKeyParameters(random).generatePublicKey().getEncoded();
            ByteArrayOutputStream blob = new ByteArrayOutputStream();
            writeString(blob, "ssh-ed25519".getBytes(StandardCharsets.US_ASCII));
            writeString(blob, publicKey);
            lines[i] = "ssh-ed25519 " + Base64.getEncoder().encodeToString(blob.toByteArray()) + " bench-" + i;
        }
        return lines;
    }

    private static void writeString(ByteArrayOutputStream out, byte[] value) {
        out.writeBytes(ByteBuffer.allocate(4).putInt(value.length).array());
        out.writeBytes(value);
    }
}

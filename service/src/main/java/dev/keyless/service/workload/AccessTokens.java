package dev.keyless.service.workload;

import dev.keyless.service.accesstoken.AccessTokenIssuer;
import dev.keyless.service.accesstoken.AccessTokenVerifier;
import dev.keyless.service.accesstoken.Ed25519KeyMaterial;
import dev.keyless.service.accesstoken.KnownAccessTokens;
import dev.keyless.service.config.KeylessSettings;
import dev.keyless.service.db.Db;
import dev.keyless.service.sealing.SecretBox;
import io.micronaut.context.annotation.Context;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Arrays;

/**
 * The service's access-token signing key, shared by every replica through the database: the first
 * replica to start creates it, the others read it. It is stored sealed under the master key.
 */
@Context // created at start-up: the signing key exists before the first request
public class AccessTokens {
    private static final String KEY_ID = "access-token-v1";
    /** Digests of recent tokens whose signatures need no second check (~0.5 KiB each). */
    private static final int KNOWN_TOKENS = 50_000;

    private final AccessTokenIssuer issuer;
    private final AccessTokenVerifier verifier;

    AccessTokens(Db db, SecretBox secrets, SecureRandom random, Clock clock, KeylessSettings settings) {
        Ed25519KeyMaterial key = db.write(c -> {
            if (sealedKey(c).isEmpty()) {
                // Two replicas starting at once may both get here; the primary key keeps the first.
                ServiceKeyRepository.insertIfAbsent(
                        c,
                        KEY_ID,
                        "access-token",
                        secrets.seal(Ed25519KeyMaterial.generate(random).seed(), KEY_ID),
                        clock.instant());
            }
            String sealed = sealedKey(c).orElseThrow();
            byte[] seed = secrets.open(sealed, KEY_ID);
            try {
                return Ed25519KeyMaterial.fromSeed(seed);
            } finally {
                Arrays.fill(seed, (byte) 0);
            }
        });
        KnownAccessTokens known = new KnownAccessTokens(KNOWN_TOKENS);
        this.issuer = new AccessTokenIssuer(key, settings.issuer(), clock, random, known);
        this.verifier = new AccessTokenVerifier(settings.issuer(), java.util.List.of(key.publicKey()), clock, known);
    }

    private static java.util.Optional<String> sealedKey(java.sql.Connection c) throws java.sql.SQLException {
        return ServiceKeyRepository.sealed(c, KEY_ID);
    }

    public AccessTokenIssuer issuer() {
        return issuer;
    }

    public AccessTokenVerifier verifier() {
        return verifier;
    }
}

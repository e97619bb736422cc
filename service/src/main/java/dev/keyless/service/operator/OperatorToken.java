package dev.keyless.service.operator;

import dev.keyless.service.admin.AdminTokens;
import io.micronaut.context.annotation.Value;
import io.micronaut.core.annotation.Nullable;
import jakarta.inject.Singleton;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;

/**
 * The operator token of {@code keyless.operator-token}, kept only as its hash. Unset means no
 * operator token: only the bootstrap team's security admins may then create teams.
 */
@Singleton
final class OperatorToken {
    private static final int MIN_LENGTH = 32;

    private final Optional<byte[]> hash;

    OperatorToken(@Nullable @Value("${keyless.operator-token:}") String token) {
        if (token == null || token.isBlank()) {
            this.hash = Optional.empty();
        } else if (token.strip().length() < MIN_LENGTH) {
            throw new IllegalStateException(
                    "KEYLESS_OPERATOR_TOKEN must be at least " + MIN_LENGTH + " characters of random data");
        } else {
            this.hash = Optional.of(AdminTokens.hash(token.strip()).getBytes(StandardCharsets.US_ASCII));
        }
    }

    /** Whether {@code presented} is the operator token (constant time over the hashes). */
    boolean matches(String presented) {
        return hash.isPresent()
                && presented != null
                && MessageDigest.isEqual(hash.get(), AdminTokens.hash(presented).getBytes(StandardCharsets.US_ASCII));
    }
}

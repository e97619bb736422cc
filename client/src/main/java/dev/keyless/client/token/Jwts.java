package dev.keyless.client.token;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.keyless.client.Json;
import dev.keyless.client.token.TokenSourceException.Reason;
import java.io.IOException;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Minimal, unverified JWT handling on the client side: a shape check before a token is sent, and
 * the payload decoded for {@code doctor} and error hints. The service verifies; nothing here trusts
 * a claim.
 */
public final class Jwts {
    private static final Pattern COMPACT = Pattern.compile("[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]*");

    private Jwts() {}

    /** {@code token} if it has the compact JWS shape; otherwise fails naming only {@code where}. */
    static String requireJwt(String token, String where) {
        if (!COMPACT.matcher(token).matches()) {
            throw new TokenSourceException(
                    Reason.NOT_CONFIGURED, where + " does not hold a JWT (header.payload.signature)", null);
        }
        return token;
    }

    /** The decoded payload claims, or empty if the token is not a readable JWT. */
    public static Optional<Map<String, Object>> claims(String token) {
        String[] parts = token.split("\\.", -1);
        if (parts.length < 2) {
            return Optional.empty();
        }
        try {
            byte[] json = Base64.getUrlDecoder().decode(parts[1]);
            return Optional.of(Json.mapper().readValue(json, new TypeReference<LinkedHashMap<String, Object>>() {}));
        } catch (IllegalArgumentException | IOException e) {
            return Optional.empty();
        }
    }
}

package dev.keyless.testkit;

import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.text.ParseException;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/**
 * A stand-in CI platform for the README walkthrough: prints its public JWKS (to pin on a
 * connection) or a freshly signed GitHub-shaped token. Its RSA key is a demo key kept in a 0600
 * file so that several tokens verify against one JWKS; it protects nothing real.
 *
 * <pre>
 * demo-issuer jwks  KEYFILE
 * demo-issuer token KEYFILE AUDIENCE [claim=value ...]
 * </pre>
 */
public final class DemoIssuer {
    private DemoIssuer() {}

    public static void main(String[] args) throws IOException, ParseException {
        if (args.length < 2 || !(args[0].equals("jwks") || (args[0].equals("token") && args.length >= 3))) {
            System.err.println(
                    "usage: demo-issuer jwks KEYFILE | demo-issuer token KEYFILE AUDIENCE [claim=value ...]");
            System.exit(2);
        }
        RSAKey key = key(Path.of(args[1]));
        if (args[0].equals("jwks")) {
            System.out.println(new JWKSet(key.toPublicJWK()).toString(true));
            return;
        }
        Map<String, Object> claims = TestTokens.claims(
                "github-actions", "https://token.actions.githubusercontent.com", args[2], Instant.now());
        claims.put("jti", UUID.randomUUID().toString());
        for (int i = 3; i < args.length; i++) {
            int eq = args[i].indexOf('=');
            claims.put(args[i].substring(0, eq), args[i].substring(eq + 1));
        }
        System.out.println(TestTokens.sign(claims, key));
    }

    private static RSAKey key(Path file) throws IOException, ParseException {
        if (Files.exists(file)) {
            return RSAKey.parse(Files.readString(file));
        }
        RSAKey key = TestKeys.rsa("demo-" + UUID.randomUUID().toString().substring(0, 8));
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(file, key.toJSONString());
        return key;
    }
}

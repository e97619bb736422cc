package dev.keyless.service.platformtoken;

import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jose.util.JSONObjectUtils;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.util.Base64;
import java.util.Map;

/**
 * The size and structure checks: a compact JWS of three canonical base64url parts, header and
 * payload JSON objects.
 *
 * <p>Canonical means what RFC 7515 section 2 asks of an encoder: no padding, and the unused low
 * bits of the last character zero. A decoder ignores those bits, so without this check one signed
 * token has up to 16 spellings of its signature, each a different string.
 */
final class TokenParser {
    static final int MAX_TOKEN_CHARS = 16 * 1024;
    private static final Base64.Encoder CANONICAL = Base64.getUrlEncoder().withoutPadding();

    private TokenParser() {}

    static void checkSize(String token) {
        if (token != null && token.length() > MAX_TOKEN_CHARS) {
            throw TokenRejectedException.of(TokenCheck.SIZE, "the token is larger than " + MAX_TOKEN_CHARS + " bytes");
        }
    }

    static ParsedToken parse(String token) {
        if (token == null || token.isEmpty()) {
            throw malformed("the token is empty");
        }
        int dots = 0;
        for (int i = 0; i < token.length(); i++) {
            char c = token.charAt(i);
            if (c == '.') {
                dots++;
            } else if (!isBase64Url(c)) {
                throw malformed("the token has characters outside base64url");
            }
        }
        if (dots == 4) {
            throw malformed("encrypted tokens (JWE) are not accepted");
        }
        if (dots != 2) {
            throw malformed("the token is not a compact JWS of three parts");
        }
        int first = token.indexOf('.');
        int second = token.indexOf('.', first + 1);
        String h = token.substring(0, first);
        String p = token.substring(first + 1, second);
        String s = token.substring(second + 1);
        if (s.isEmpty()) {
            throw malformed("the token is unsecured: it has no signature");
        }
        Map<String, Object> header = json(h, "header");
        Map<String, Object> claims = json(p, "payload");
        decode(s, "signature");
        byte[] input = token.substring(0, second).getBytes(StandardCharsets.US_ASCII);
        return new ParsedToken(header, claims, input, new Base64URL(s));
    }

    private static Map<String, Object> json(String segment, String part) {
        byte[] bytes = decode(segment, part);
        try {
            return JsonValues.object(JSONObjectUtils.parse(new String(bytes, StandardCharsets.UTF_8)));
        } catch (ParseException | JsonValues.TooDeepException | RuntimeException e) {
            throw malformed("the " + part + " is not a base64url JSON object");
        }
    }

    private static byte[] decode(String segment, String part) {
        byte[] bytes;
        try {
            bytes = Base64.getUrlDecoder().decode(segment);
        } catch (IllegalArgumentException e) {
            throw malformed("the " + part + " is not base64url");
        }
        if (!CANONICAL.encodeToString(bytes).equals(segment)) {
            throw malformed("the " + part + " is not canonical base64url: its last character has unused bits set");
        }
        return bytes;
    }

    private static boolean isBase64Url(char c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
    }

    private static TokenRejectedException malformed(String message) {
        return TokenRejectedException.of(TokenCheck.STRUCTURE, message);
    }
}

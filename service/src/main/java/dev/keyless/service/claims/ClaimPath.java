package dev.keyless.service.claims;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where a condition looks in the claims. A name starting with {@code /} is an RFC 6901 JSON
 * pointer ({@code ~1} is {@code /}, {@code ~0} is {@code ~}); any other name is one top-level claim
 * taken literally, so CircleCI's {@code oidc.circleci.com/vcs-ref} is a single name.
 */
record ClaimPath(List<String> tokens) {
    ClaimPath {
        tokens = List.copyOf(tokens);
    }

    static ClaimPath parse(String name) {
        if (!name.startsWith("/")) {
            return new ClaimPath(List.of(name));
        }
        List<String> tokens = new ArrayList<>();
        for (String raw : name.substring(1).split("/", -1)) {
            tokens.add(unescape(name, raw));
        }
        return new ClaimPath(tokens);
    }

    @SuppressWarnings("IncrementInForLoopAndHeader") // an escape consumes its second character
    private static String unescape(String name, String raw) {
        StringBuilder out = new StringBuilder(raw.length());
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c != '~') {
                out.append(c);
                continue;
            }
            char next = i + 1 < raw.length() ? raw.charAt(i + 1) : 0;
            if (next == '0') {
                out.append('~');
            } else if (next == '1') {
                out.append('/');
            } else {
                throw new InvalidConditionException(name, "a '~' in a JSON pointer must be followed by 0 or 1");
            }
            i++;
        }
        return out.toString();
    }

    /** The value at this path, or empty when any step is missing or not a container. */
    Optional<Object> resolve(Map<String, ?> claims) {
        Object current = claims;
        for (String token : tokens) {
            if (current instanceof Map<?, ?> map && map.containsKey(token)) {
                current = map.get(token);
            } else if (current instanceof List<?> list && isIndex(token) && Integer.parseInt(token) < list.size()) {
                current = list.get(Integer.parseInt(token));
            } else {
                return Optional.empty();
            }
        }
        return Optional.ofNullable(current);
    }

    private static boolean isIndex(String token) {
        return token.matches("0|[1-9][0-9]{0,8}");
    }
}

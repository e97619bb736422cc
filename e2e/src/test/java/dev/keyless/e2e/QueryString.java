package dev.keyless.e2e;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/** Query strings of the requests the loopback platform endpoints receive. */
final class QueryString {
    private QueryString() {}

    /** {@code a=1&b=x%20y} as a map of decoded names to decoded values; null or empty gives an empty map. */
    static Map<String, String> parse(String raw) {
        Map<String, String> params = new HashMap<>();
        for (String pair : raw == null ? new String[0] : raw.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                params.put(
                        URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                        URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return params;
    }
}

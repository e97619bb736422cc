package dev.keyless.service.config;

import java.util.HashMap;
import java.util.Map;

/**
 * Maps {@code KEYLESS_DB_URL}, {@code KEYLESS_DB_USER} and {@code KEYLESS_DB_PASSWORD} onto the
 * default data source. Without a URL the embedded H2 file database under the data dir is used.
 */
public final class DatabaseSettings {
    private DatabaseSettings() {}

    public static Map<String, Object> fromEnvironment(Map<String, String> env) {
        Map<String, Object> props = new HashMap<>();
        String url = env.get("KEYLESS_DB_URL");
        if (url == null || url.isBlank()) {
            return props;
        }
        props.put("datasources.default.url", url);
        props.put("datasources.default.driver-class-name", driverFor(url));
        props.put("datasources.default.username", env.getOrDefault("KEYLESS_DB_USER", ""));
        props.put("datasources.default.password", env.getOrDefault("KEYLESS_DB_PASSWORD", ""));
        return props;
    }

    static String driverFor(String url) {
        if (url.startsWith("jdbc:mysql:")) {
            return "com.mysql.cj.jdbc.Driver";
        }
        if (url.startsWith("jdbc:h2:")) {
            return "org.h2.Driver";
        }
        throw new IllegalArgumentException(
                "KEYLESS_DB_URL must be a jdbc:mysql: or jdbc:h2: URL (MariaDB is reached with jdbc:mysql:)");
    }
}
